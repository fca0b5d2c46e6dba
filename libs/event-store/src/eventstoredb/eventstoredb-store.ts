import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersion,
} from '@eventstore/db-client';
import type { Position, ReadPosition } from '@eventstore/db-client';
import {
  AppendResult,
  CheckpointStore,
  EventStore,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  RecordedEvent,
  stoppedBatch,
  StreamWrite,
  Subscription,
  SubscriptionOptions,
  WrongExpectedVersionError,
} from '../event-store.port';
import type { PollingOptions } from '../polling-subscription';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { KnownIds } from './eventstoredb-known-ids';
import {
  fromCurrentRevision,
  isOwnStream,
  toEventData,
  toExpectedRevision,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { comparePositions, fromGlobalPosition, isKnownPosition } from './eventstoredb-position';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

export interface EventStoreDbOptions extends PollingOptions {
  /** Where subscriptions keep checkpoints. Default: one stream per subscription in EventStoreDB. */
  readonly checkpoints?: CheckpointStore;
  /** How often the server reports a subscription checkpoint, in windows of 32 events (default 32). */
  readonly checkpointInterval?: number;
  /** Event ids of recently appended streams kept for `any` appends (default 100,000). */
  readonly knownIdsLimit?: number;
}

/** The part of the gRPC client the adapter uses (unit tests pass a fake that answers as documented). */
export type EventStoreDbClientPort = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'setStreamMetadata' | 'dispose'
>;

/** $all is read a page at a time and filtered here: the 6.x client's readAll takes no server filter. */
const PAGE = 500;
/** An `any` append that keeps losing the race to other writers of its stream gives up after this many tries. */
const ANY_ATTEMPTS = 5;

/**
 * The event store on EventStoreDB. Appends are atomic per stream only: a
 * batch across streams goes stream by stream, in order; one that fails
 * part-way says what went in (PartialBatchError, or the conflict with
 * `completed`) and is safe to retry whole, because a repeat of the same
 * event ids is a no-op.
 *
 * Appends never read the whole stream first. One with an expectation goes
 * straight to the server at that revision; the server recognises a retry of
 * an append that went through (same ids at the same place) and answers it
 * as that append's success. One that expects nothing (`any`, the billing
 * facts) must still skip ids its stream already holds, wherever they are:
 * the adapter keeps the ids of the streams it appended to lately
 * (KnownIds) and appends at the version it knows; when another writer got
 * in since, the server refuses that version and the adapter reads only what
 * was added, looks again, and never slips a second copy in. Ids are unique per stream here (the SQL stores
 * refuse one anywhere).
 */
export class EventStoreDbStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly knownIds: KnownIds;

  constructor(
    private readonly client: EventStoreDbClientPort,
    private readonly options: EventStoreDbOptions = {},
  ) {
    this.checkpoints = options.checkpoints ?? new EventStoreDbCheckpointStore(client);
    this.knownIds = new KnownIds(options.knownIdsLimit);
  }

  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbStore {
    return new EventStoreDbStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedVersion ?? 'any';
    const unique = firstOfEachId(events);
    if (unique.length === 0) return outcome(events, [], await this.lastRevision(streamId));
    return expected === 'any'
      ? this.appendUnlessKnown(streamId, events, unique)
      : this.appendExpecting(streamId, events, unique, expected);
  }

  /** Straight to the server at the expected revision; its conflict becomes ours. */
  private async appendExpecting(
    streamId: string,
    events: readonly EventToAppend[],
    unique: readonly EventToAppend[],
    expected: Exclude<ExpectedVersion, 'any'>,
  ): Promise<AppendResult> {
    const known = this.knownIds.peek(streamId);
    try {
      const { nextExpectedRevision } = await this.client.appendToStream(
        streamId,
        unique.map(toEventData),
        { expectedRevision: toExpectedRevision(expected) },
      );
      const before = nextExpectedRevision - BigInt(unique.length);
      if (known && known.version === before) {
        this.knownIds.extend(streamId, known, idsOf(unique), nextExpectedRevision);
      } else if (known) this.knownIds.forget(streamId);
      return outcome(events, idsOf(unique), nextExpectedRevision);
    } catch (error) {
      if (!(error instanceof EsdbWrongExpectedVersion)) throw error;
      throw new WrongExpectedVersionError(
        streamId,
        expected,
        fromCurrentRevision(error.actualVersion),
      );
    }
  }

  /** Skips ids the stream holds, reading only what is new to this process, and appends at the version known. */
  private async appendUnlessKnown(
    streamId: string,
    events: readonly EventToAppend[],
    unique: readonly EventToAppend[],
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      // A stream this process knows is appended to at once: if another writer got in since,
      // the server refuses the version, and the next try reads what that writer added.
      const known =
        attempt === 1 && this.knownIds.peek(streamId)
          ? this.knownIds.get(streamId)
          : await this.catchUp(streamId);
      const fresh = unique.filter((e) => !known.ids.has(e.eventId));
      if (fresh.length === 0) return outcome(events, [], known.version);
      try {
        const { nextExpectedRevision } = await this.client.appendToStream(
          streamId,
          fresh.map(toEventData),
          { expectedRevision: known.version < 0n ? NO_STREAM : known.version },
        );
        this.knownIds.extend(streamId, known, idsOf(fresh), nextExpectedRevision);
        return outcome(events, idsOf(fresh), nextExpectedRevision);
      } catch (error) {
        if (!(error instanceof EsdbWrongExpectedVersion)) throw error;
        // Another writer got in since we looked: read what it wrote, and look again.
        if (attempt >= ANY_ATTEMPTS) {
          throw new WrongExpectedVersionError(
            streamId,
            'any',
            fromCurrentRevision(error.actualVersion),
          );
        }
      }
    }
  }

  /** The stream as this process knows it, brought up to date by reading only its new events. */
  private async catchUp(streamId: string) {
    const known = this.knownIds.get(streamId);
    const since = await this.readStream(streamId, { from: known.version + 1n });
    if (since.length > 0) {
      const version = since[since.length - 1].streamPosition;
      this.knownIds.extend(streamId, known, idsOf(since), version);
    }
    return known;
  }

  async appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const completed: AppendResult[] = [];
    for (const { streamId, events, expectedVersion } of writes) {
      try {
        completed.push(await this.appendToStream(streamId, events, { expectedVersion }));
      } catch (error) {
        throw stoppedBatch(completed, error);
      }
    }
    return completed;
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

  /**
   * Reads $all forwards from the position of the event `after` stands for
   * (the server starts there, inclusive) and skips everything up to it,
   * comparing both parts of each position.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const max = options.maxCount ?? 1000;
    const out: RecordedEvent[] = [];
    let last: Position | undefined =
      options.after !== undefined && options.after >= 0n
        ? fromGlobalPosition(options.after)
        : undefined;
    for (;;) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition: last ?? START,
        maxCount: PAGE,
      })) {
        read++;
        if (!event || !isKnownPosition(event.position)) continue;
        if (last && comparePositions(event.position, last) <= 0) continue;
        last = event.position;
        if (isOwnStream(event.streamId, options.streamPrefixes)) out.push(toRecordedEvent(event));
        if (out.length >= max) return out;
      }
      if (read < PAGE) return out;
    }
  }

  /**
   * The newest event of ours (of these streams, when given) after `after`,
   * found by reading $all backwards from its end, no further back than
   * `after`: -1n when there is none.
   */
  async headPosition(streamPrefixes?: readonly string[], after?: bigint): Promise<bigint> {
    const floor = after !== undefined && after >= 0n ? fromGlobalPosition(after) : undefined;
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition: from,
        direction: BACKWARDS,
        maxCount: PAGE,
      })) {
        read++;
        if (!event || !isKnownPosition(event.position)) continue;
        if (floor && comparePositions(event.position, floor) <= 0) return -1n;
        if (isOwnStream(event.streamId, streamPrefixes)) {
          return toRecordedEvent(event).globalPosition;
        }
        from = event.position;
      }
      if (read < PAGE) return -1n;
    }
  }

  subscribe(options: SubscriptionOptions): Subscription {
    const { pollIntervalMs, retryDelayMs, checkpointInterval } = this.options;
    return new EventStoreDbSubscription(this.client, this, this.checkpoints, {
      pollIntervalMs,
      retryDelayMs,
      checkpointInterval,
      ...options,
    });
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** The revision of the stream's last event, -1n when it has none. */
  private async lastRevision(streamId: string): Promise<bigint> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      })) {
        if (resolved.event) return resolved.event.revision;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return -1n;
  }
}

/** An id repeated within one append is stored once, as first given. */
function firstOfEachId(events: readonly EventToAppend[]): EventToAppend[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
}

const idsOf = (events: readonly { eventId: string }[]) => events.map((e) => e.eventId);

/** The port's answer: each id appended now counts once, every other occurrence is a duplicate. */
function outcome(
  events: readonly EventToAppend[],
  appendedIds: readonly string[],
  streamVersion: bigint,
): AppendResult {
  const appendedNow = new Set(appendedIds);
  const duplicateIds: string[] = [];
  for (const { eventId } of events) {
    if (appendedNow.has(eventId)) appendedNow.delete(eventId);
    else duplicateIds.push(eventId);
  }
  return {
    appended: appendedIds.length,
    duplicates: duplicateIds.length,
    duplicateIds,
    streamVersion,
  };
}
