import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersion,
} from '@eventstore/db-client';
import type { ReadPosition } from '@eventstore/db-client';
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
import type { PollingOptions } from '../polling-subscription';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import {
  EVENT_ID_KEY,
  fromCurrentRevision,
  isOwnStream,
  toExpectedRevision,
  toReadPosition,
  toRecordedEvent,
  uuidOf,
} from './eventstoredb-mapping';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

export interface EventStoreDbOptions extends PollingOptions {
  /** Where subscriptions keep checkpoints. Default: one stream per subscription in EventStoreDB. */
  readonly checkpoints?: CheckpointStore;
}

/** $all is read a page at a time and filtered here: the 6.x client's readAll takes no server filter. */
const PAGE = 500;

/**
 * The event store on EventStoreDB. Appends are atomic per stream only: a
 * batch across streams goes stream by stream, and is safe to retry whole
 * because a repeat of the same event ids is a no-op.
 *
 * Duplicates, as far as the server allows: ids already in the target stream
 * (read before the append) are reported and skipped. The server's own
 * idempotence covers a concurrent repeat, but then reports nothing, and it
 * is per stream: the same event id appended to another stream is stored
 * again (the SQL stores refuse it anywhere).
 */
export class EventStoreDbStore implements EventStore {
  readonly checkpoints: CheckpointStore;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbOptions = {},
  ) {
    this.checkpoints = options.checkpoints ?? new EventStoreDbCheckpointStore(client);
  }

  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbStore {
    return new EventStoreDbStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    const { version, ids } = await this.streamState(streamId);
    const fresh: EventToAppend[] = [];
    const duplicateIds: string[] = [];
    for (const event of events) {
      if (ids.has(event.eventId)) duplicateIds.push(event.eventId);
      else {
        fresh.push(event);
        ids.add(event.eventId);
      }
    }
    if (fresh.length === 0) {
      return { appended: 0, duplicates: duplicateIds.length, duplicateIds, streamVersion: version };
    }
    const expected = options.expectedVersion ?? 'any';
    try {
      const result = await this.client.appendToStream(
        streamId,
        fresh.map((e) =>
          jsonEvent({
            id: uuidOf(e.eventId),
            type: e.type,
            data: (e.data ?? null) as never,
            metadata: { ...(e.metadata ?? {}), [EVENT_ID_KEY]: e.eventId },
          }),
        ),
        { expectedRevision: toExpectedRevision(expected) },
      );
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
          expected,
          fromCurrentRevision(error.actualVersion),
        );
      }
      throw error;
    }
  }

  async appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const { streamId, events, expectedVersion } of writes) {
      results.push(await this.appendToStream(streamId, events, { expectedVersion }));
    }
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
        if (resolved.event) out.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const max = options.maxCount ?? 1000;
    const out: RecordedEvent[] = [];
    let cursor = options.after ?? -1n;
    for (;;) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition: toReadPosition(cursor),
        maxCount: PAGE,
      })) {
        read++;
        const position = event?.position?.commit;
        if (!event || position === undefined || position <= cursor) continue;
        cursor = position;
        if (isOwnStream(event.streamId, options.streamPrefixes)) out.push(toRecordedEvent(event));
        if (out.length >= max) return out;
      }
      if (read < PAGE) return out;
    }
  }

  /** The newest event of ours (of these streams, when given), found by reading $all backwards. */
  async headPosition(streamPrefixes?: readonly string[]): Promise<bigint> {
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition: from,
        direction: BACKWARDS,
        maxCount: PAGE,
      })) {
        read++;
        if (!event) continue;
        if (isOwnStream(event.streamId, streamPrefixes))
          return toRecordedEvent(event).globalPosition;
        from = event.position;
      }
      if (read < PAGE) return -1n;
    }
  }

  subscribe(options: SubscriptionOptions): Subscription {
    const { pollIntervalMs, retryDelayMs } = this.options;
    return new EventStoreDbSubscription(this.client, this, this.checkpoints, {
      pollIntervalMs,
      retryDelayMs,
      ...options,
    });
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** The stream's version and the event ids it holds (EventStoreDB checks ids per stream). */
  private async streamState(streamId: string): Promise<{ version: bigint; ids: Set<string> }> {
    const events = await this.readStream(streamId);
    return {
      version: events.length > 0 ? events[events.length - 1].streamPosition : -1n,
      ids: new Set(events.map((e) => e.eventId)),
    };
  }
}
