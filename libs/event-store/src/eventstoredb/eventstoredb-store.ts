import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersion,
} from '@eventstore/db-client';
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
import { SqlCheckpointStore } from '../sql/sql-checkpoint-store';
import type { SqlDatabase } from '../sql/sql-driver';
import {
  EVENT_ID_KEY,
  isOwnStream,
  toExpectedRevision,
  toRecordedEvent,
  uuidOf,
} from './eventstoredb-mapping';

/**
 * The event store on EventStoreDB. Appends are atomic per stream; a batch
 * across streams goes stream by stream, and is safe to retry whole because a
 * repeat of the same event ids is a no-op on the server. Checkpoints live in
 * the SQL database beside the read models.
 */
export class EventStoreDbStore implements EventStore {
  readonly checkpoints: CheckpointStore;

  private constructor(
    private readonly client: EventStoreDBClient,
    sql: SqlDatabase,
    schema: string,
  ) {
    this.checkpoints = new SqlCheckpointStore(sql, schema);
  }

  static connect(connectionString: string, sql: SqlDatabase, schema: string): EventStoreDbStore {
    return new EventStoreDbStore(
      EventStoreDBClient.connectionString(connectionString),
      sql,
      schema,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    const before = await this.knownIds(streamId, events);
    const fresh = events.filter(
      (e, i) => !before.has(e.eventId) && events.findIndex((o) => o.eventId === e.eventId) === i,
    );
    if (fresh.length === 0) {
      return {
        appended: 0,
        duplicates: events.length,
        duplicateIds: events.map((e) => e.eventId),
        streamVersion: await this.version(streamId),
      };
    }
    try {
      const result = await this.client.appendToStream(
        streamId,
        fresh.map((e) =>
          jsonEvent({
            id: uuidOf(e.eventId),
            type: e.type,
            data: e.data as never,
            metadata: { ...(e.metadata ?? {}), [EVENT_ID_KEY]: e.eventId },
          }),
        ),
        { expectedRevision: toExpectedRevision(options.expectedVersion) },
      );
      const duplicateIds = events.filter((e) => !fresh.includes(e)).map((e) => e.eventId);
      return {
        appended: fresh.length,
        duplicates: duplicateIds.length,
        duplicateIds,
        streamVersion: result.nextExpectedRevision,
      };
    } catch (error) {
      if (error instanceof EsdbWrongExpectedVersion) {
        throw new WrongExpectedVersionError(
          streamId,
          options.expectedVersion ?? 'any',
          await this.version(streamId),
        );
      }
      throw error;
    }
  }

  async appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const write of writes)
      results.push(
        await this.appendToStream(write.streamId, write.events, {
          expectedVersion: write.expectedVersion,
        }),
      );
    return results;
  }

  async readStream(
    streamId: string,
    options: { from?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: options.from ?? START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        if (resolved.event) out.push(toRecordedEvent(resolved.event as never));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    const after = options.after ?? -1n;
    const max = options.maxCount ?? 1000;
    const from = after < 0n ? START : { commit: after, prepare: after };
    for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: max + 1 })) {
      const event = resolved.event;
      if (!event || !isOwnStream(event.streamId, options.streamPrefixes)) continue;
      const recorded = toRecordedEvent(event as never);
      if (recorded.globalPosition <= after) continue;
      out.push(recorded);
      if (out.length >= max) break;
    }
    return out;
  }

  async headPosition(): Promise<bigint> {
    for await (const resolved of this.client.readAll({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
    })) {
      return resolved.event?.position?.prepare ?? -1n;
    }
    return -1n;
  }

  /**
   * A catch-up subscription by polling `$all` from the stored checkpoint:
   * a dropped connection is just a failed poll, retried after a pause.
   */
  subscribe(options: SubscriptionOptions): Subscription {
    return new PollingSubscription(this, options);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async version(streamId: string): Promise<bigint> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      })) {
        return resolved.event?.revision ?? -1n;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return -1n;
  }

  /** Which of these ids the stream holds already (EventStoreDB checks ids per stream). */
  private async knownIds(streamId: string, events: readonly EventToAppend[]): Promise<Set<string>> {
    const wanted = new Set(events.map((e) => e.eventId));
    const known = new Set<string>();
    for (const event of await this.readStream(streamId))
      if (wanted.has(event.eventId)) known.add(event.eventId);
    return known;
  }
}
