import type {
  AppendResult,
  CheckpointStore,
  EventStore,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  RecordedEvent,
  StreamWrite,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import { GroupCommit } from '../group-commit';
import { PollingOptions, PollingSubscription } from '../polling-subscription';
import { createEventStoreSchema } from './event-store.schema';
import { appendWrites } from './sql-append';
import { SqlCheckpointStore } from './sql-checkpoint-store';
import { quoteIdent, SqlDatabase, sqlState } from './sql-driver';

export interface SqlEventStoreOptions extends PollingOptions {
  /** close() also closes the database (true when the store opened it itself). Default false. */
  readonly ownsDatabase?: boolean;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

// Positions as text: PGlite would hand bigints back as JS numbers.
const COLUMNS = `global_position::text AS global_position, stream_id,
  stream_position::text AS stream_position, event_id, type, data, metadata, recorded_at`;

/** Only streams whose id starts with one of the prefixes ($n is a text[] of LIKE patterns, or null). */
const prefixFilter = (param: string) =>
  `(${param}::text[] IS NULL OR e.stream_id LIKE ANY(${param}::text[]))`;

/** LIKE patterns that match the prefixes literally, `_` and `%` included. */
export const prefixPatterns = (prefixes?: readonly string[]) =>
  prefixes?.map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) ?? null;

/**
 * The event store on PostgreSQL or PGlite: the same SQL over either driver.
 * Its tables are created on first use, in their own schema.
 */
export class SqlEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly s: string;
  private schemaReady: Promise<void> | undefined;
  // Appends that arrive while one commits go together in the next transaction.
  private readonly groupCommit = new GroupCommit((writes) => this.commit(writes));

  constructor(
    readonly db: SqlDatabase,
    readonly schema: string,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.s = quoteIdent(schema);
    const checkpoints = new SqlCheckpointStore(db, schema);
    this.checkpoints = {
      load: async (id) => (await this.ready(), checkpoints.load(id)),
      store: async (id, position) => (await this.ready(), checkpoints.store(id, position)),
    };
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendBatch([
      { streamId, events, expectedVersion: options.expectedVersion },
    ]);
    return result;
  }

  /** All writes in one transaction: all or nothing. */
  async appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    await this.ready();
    return this.groupCommit.append(writes);
  }

  private async commit(writes: readonly StreamWrite[], attempt = 1): Promise<AppendResult[]> {
    try {
      // One statement, committed on its own: see appendWrites.
      return await appendWrites(this.db, this.s, writes);
    } catch (error) {
      // Another transaction stored one of these event ids in another stream while we ran;
      // run again and it is reported as a duplicate, as the contract says.
      if (sqlState(error) === '23505' && attempt < 3) return this.commit(writes, attempt + 1);
      throw error;
    }
  }

  async readStream(
    streamId: string,
    options: { from?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    await this.ready();
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.events e
       WHERE e.stream_id = $1 AND e.stream_position >= $2
       ORDER BY e.stream_position LIMIT $3`,
      [streamId, (options.from ?? 0n).toString(), options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  /**
   * Reads in global order, only below the oldest transaction still in flight:
   * an event whose transaction has not committed yet holds back every later
   * one, so a reader that pages with `after` never passes it.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await this.ready();
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.events e
       WHERE e.global_position > $1
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND ${prefixFilter('$3')}
       ORDER BY e.global_position LIMIT $2`,
      [
        (options.after ?? -1n).toString(),
        options.maxCount ?? 1000,
        prefixPatterns(options.streamPrefixes),
      ],
    );
    return rows.map(toRecorded);
  }

  /** The newest event committed now, readable or still held back: what a subscriber must reach. */
  async headPosition(streamPrefixes?: readonly string[]): Promise<bigint> {
    await this.ready();
    const [row] = await this.db.query<{ head: string }>(
      `SELECT e.global_position::text AS head FROM ${this.s}.events e
       WHERE ${prefixFilter('$1')} ORDER BY e.global_position DESC LIMIT 1`,
      [prefixPatterns(streamPrefixes)],
    );
    return row ? BigInt(row.head) : -1n;
  }

  subscribe(options: SubscriptionOptions): Subscription {
    const { pollIntervalMs, retryDelayMs } = this.options;
    return new PollingSubscription(this, { pollIntervalMs, retryDelayMs, ...options });
  }

  async close(): Promise<void> {
    if (this.options.ownsDatabase) await this.db.close();
  }

  /** Creates the tables if missing; every operation does it once on first use. */
  ensureSchema(): Promise<void> {
    return this.ready();
  }

  private ready(): Promise<void> {
    this.schemaReady ??= createEventStoreSchema(this.db, this.schema).catch((error) => {
      this.schemaReady = undefined; // try again on the next call
      throw error;
    });
    return this.schemaReady;
  }
}

const toRecorded = (row: EventRow): RecordedEvent => ({
  eventId: row.event_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata ?? {},
  streamId: row.stream_id,
  streamPosition: BigInt(row.stream_position),
  globalPosition: BigInt(row.global_position),
  recordedAt: new Date(row.recorded_at),
});
