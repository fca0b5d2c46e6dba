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
import { GroupCommit } from '../group-commit';
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
  private readonly groupCommit = new GroupCommit((writes) => this.commitBatch(writes));

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

  /**
   * All writes in one transaction and a handful of statements, however many
   * streams: lock the streams (in id order, so concurrent batches cannot
   * deadlock), find the ids already stored, check every expected version,
   * then insert the new events and move the versions.
   */
  appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.groupCommit.append(writes);
  }

  private commitBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.db.transaction(async (tx) => {
      const streamIds = [...new Set(writes.map((w) => w.streamId))].sort();
      const versions = await this.lockStreams(tx, streamIds);
      const known = await this.storedIds(
        tx,
        writes.flatMap((w) => w.events.map((e) => e.eventId)),
      );
      const rows: object[] = [];
      const results = writes.map((write): AppendResult => {
        const current = versions.get(write.streamId) as bigint;
        const fresh: EventToAppend[] = [];
        const duplicateIds: string[] = [];
        for (const event of write.events) {
          if (known.has(event.eventId)) duplicateIds.push(event.eventId);
          else {
            known.add(event.eventId);
            fresh.push(event);
          }
        }
        // A retry of an append that already went through is a no-op, whatever the version now.
        if (fresh.length === 0) {
          return {
            appended: 0,
            duplicates: duplicateIds.length,
            duplicateIds,
            streamVersion: current,
          };
        }
        const expected = write.expectedVersion ?? 'any';
        if (!versionMatches(expected, current)) {
          throw new WrongExpectedVersionError(write.streamId, expected, current);
        }
        fresh.forEach((e, i) =>
          rows.push({
            s: write.streamId,
            p: (current + 1n + BigInt(i)).toString(),
            id: e.eventId,
            t: e.type,
            d: e.data,
            m: e.metadata ?? {},
          }),
        );
        const streamVersion = current + BigInt(fresh.length);
        versions.set(write.streamId, streamVersion);
        return {
          appended: fresh.length,
          duplicates: duplicateIds.length,
          duplicateIds,
          streamVersion,
        };
      });
      if (rows.length > 0) {
        await tx.query(
          `INSERT INTO ${this.s}.events (stream_id, stream_position, event_id, type, data, metadata)
           SELECT x.e->>'s', (x.e->>'p')::bigint, x.e->>'id', x.e->>'t', x.e->'d', x.e->'m'
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord) ORDER BY x.ord`,
          [JSON.stringify(rows)],
        );
        await tx.query(
          `UPDATE ${this.s}.streams AS s SET version = v.version::bigint
           FROM jsonb_each_text($1::jsonb) AS v(stream_id, version) WHERE s.stream_id = v.stream_id`,
          [JSON.stringify(Object.fromEntries([...versions].map(([id, v]) => [id, v.toString()])))],
        );
      }
      return results;
    });
  }

  private async lockStreams(tx: SqlClient, streamIds: string[]): Promise<Map<string, bigint>> {
    const ids = JSON.stringify(streamIds);
    await tx.query(
      `INSERT INTO ${this.s}.streams (stream_id, version)
       SELECT id, -1 FROM jsonb_array_elements_text($1::jsonb) AS x(id) ORDER BY id
       ON CONFLICT DO NOTHING`,
      [ids],
    );
    const rows = await tx.query<{ stream_id: string; version: string }>(
      `SELECT stream_id, version::text AS version FROM ${this.s}.streams
       WHERE stream_id IN (SELECT jsonb_array_elements_text($1::jsonb))
       ORDER BY stream_id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.stream_id, BigInt(r.version)]));
  }

  private async storedIds(tx: SqlClient, eventIds: string[]): Promise<Set<string>> {
    const rows = await tx.query<{ event_id: string }>(
      `SELECT event_id FROM ${this.s}.events
       WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(eventIds)],
    );
    return new Set(rows.map((r) => r.event_id));
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
