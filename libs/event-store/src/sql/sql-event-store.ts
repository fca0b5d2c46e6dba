import {
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
  WrongExpectedVersionError,
} from '../event-store.port';
import { PollingSubscription } from '../polling-subscription';
import { SqlCheckpointStore } from './sql-checkpoint-store';
import { quoteIdent, SqlClient, SqlDatabase } from './sql-driver';

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

const COLUMNS = `global_position::text AS global_position, stream_id, stream_position::text AS stream_position,
  event_id, type, data, metadata, recorded_at`;

/** The event store on PostgreSQL or PGlite: the same SQL over either driver. */
export class SqlEventStore implements EventStore {
  private readonly s: string;
  readonly checkpoints: CheckpointStore;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
    this.checkpoints = new SqlCheckpointStore(db, schema);
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

  appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.db.transaction(async (tx) => {
      const results: AppendResult[] = [];
      for (const write of writes) results.push(await this.appendIn(tx, write));
      return results;
    });
  }

  private async appendIn(tx: SqlClient, write: StreamWrite): Promise<AppendResult> {
    const { streamId, expectedVersion = 'any' } = write;
    await tx.query(
      `INSERT INTO ${this.s}.streams (stream_id, version) VALUES ($1, -1) ON CONFLICT DO NOTHING`,
      [streamId],
    );
    const [{ version }] = await tx.query<{ version: string }>(
      `SELECT version::text AS version FROM ${this.s}.streams WHERE stream_id = $1 FOR UPDATE`,
      [streamId],
    );
    const current = BigInt(version);
    const unique = [...new Map(write.events.map((e) => [e.eventId, e])).values()];
    const known = new Set(
      (
        await tx.query<{ event_id: string }>(
          `SELECT event_id FROM ${this.s}.events WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
          [JSON.stringify(unique.map((e) => e.eventId))],
        )
      ).map((r) => r.event_id),
    );
    const fresh = unique.filter((e) => !known.has(e.eventId));
    const duplicateIds = write.events
      .map((e) => e.eventId)
      .filter((id, i, all) => known.has(id) || all.indexOf(id) !== i);
    // A retry of an append that already went through is a no-op, whatever the version now.
    if (fresh.length === 0)
      return { appended: 0, duplicates: duplicateIds.length, duplicateIds, streamVersion: current };
    if (!versionMatches(expectedVersion, current))
      throw new WrongExpectedVersionError(streamId, expectedVersion, current);
    await tx.query(
      `INSERT INTO ${this.s}.events (stream_id, stream_position, event_id, type, data, metadata)
       SELECT $1, $2::bigint + x.ord, x.e->>'eventId', x.e->>'type', x.e->'data', x.e->'metadata'
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS x(e, ord)
       ORDER BY x.ord`,
      [
        streamId,
        current.toString(),
        JSON.stringify(
          fresh.map((e) => ({
            eventId: e.eventId,
            type: e.type,
            data: e.data,
            metadata: e.metadata ?? {},
          })),
        ),
      ],
    );
    const streamVersion = current + BigInt(fresh.length);
    await tx.query(`UPDATE ${this.s}.streams SET version = $2 WHERE stream_id = $1`, [
      streamId,
      streamVersion.toString(),
    ]);
    return { appended: fresh.length, duplicates: duplicateIds.length, duplicateIds, streamVersion };
  }

  async readStream(
    streamId: string,
    options: { from?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.events e
       WHERE stream_id = $1 AND stream_position >= $2 ORDER BY e.stream_position LIMIT $3`,
      [streamId, (options.from ?? 0n).toString(), options.maxCount ?? 1_000_000],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const prefixes = options.streamPrefixes;
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.events e
       WHERE global_position > $1
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND ($3::jsonb IS NULL OR EXISTS (
           SELECT 1 FROM jsonb_array_elements_text($3::jsonb) AS p(prefix) WHERE starts_with(e.stream_id, p.prefix)))
       ORDER BY e.global_position LIMIT $2`,
      [
        (options.after ?? -1n).toString(),
        options.maxCount ?? 1000,
        prefixes ? JSON.stringify(prefixes) : null,
      ],
    );
    return rows.map(toRecorded);
  }

  /** The newest position committed now (columns are qualified: the text aliases would sort as text): what a subscriber must reach to be caught up. */
  async headPosition(): Promise<bigint> {
    const [row] = await this.db.query<{ head: string | null }>(
      `SELECT max(global_position)::text AS head FROM ${this.s}.events`,
    );
    return row.head === null ? -1n : BigInt(row.head);
  }

  subscribe(options: SubscriptionOptions): Subscription {
    return new PollingSubscription(this, options);
  }

  /** The database belongs to whoever opened it. */
  async close(): Promise<void> {}
}

export function versionMatches(expected: ExpectedVersion, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current >= 0n;
  return expected === current;
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
