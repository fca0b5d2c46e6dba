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
} from './event-store.port';
import { PollingSubscription } from './polling-subscription';
import { versionMatches } from './expected-version';

export interface InMemoryEventStoreOptions {
  /**
   * `false` stores a batch stream by stream, as EventStoreDB does: each write
   * is checked and stored on its own, and a failure part-way throws
   * PartialBatchError with what went through. Default `true`: one transaction.
   */
  readonly atomicBatches?: boolean;
}

/** A failure armed by failAppendAfter(). */
interface Failpoint {
  readonly streams: number;
  readonly error: Error;
  times: number;
}

/** The event store in memory, with the same semantics, for tests of other code. */
export class InMemoryEventStore implements EventStore {
  private readonly atomicBatches: boolean;
  private failpoint: Failpoint | undefined;
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly ids = new Set<string>();
  private readonly saved = new Map<string, bigint>();
  readonly checkpoints: CheckpointStore = {
    load: async (id) => this.saved.get(id),
    store: async (id, position) => void this.saved.set(id, position),
  };

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.atomicBatches = options.atomicBatches ?? true;
  }

  /**
   * A failpoint for tests: the next `times` appends (default 1) that reach
   * their write number `streams` (0-based) fail there with `error`. An atomic
   * batch then stores nothing; a stream-by-stream one keeps the writes before.
   */
  failAppendAfter(streams: number, options: { error?: Error; times?: number } = {}): void {
    const error = options.error ?? new Error(`injected failure after ${streams} stream write(s)`);
    this.failpoint = { streams, error, times: options.times ?? 1 };
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

  async appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    if (this.atomicBatches) {
      // One transaction: a failure at any of its writes leaves nothing behind.
      if (this.failpoint && writes.length > this.failpoint.streams) this.fire(this.failpoint);
      return this.commit(writes);
    }
    const completed: AppendResult[] = [];
    for (const write of writes) {
      try {
        if (this.failpoint?.streams === completed.length) this.fire(this.failpoint);
        completed.push(...this.commit([write]));
      } catch (error) {
        throw stoppedBatch(completed, error);
      }
    }
    return completed;
  }

  private fire(failpoint: Failpoint): never {
    if (--failpoint.times <= 0) this.failpoint = undefined;
    throw failpoint.error;
  }

  /** Stores the writes as one transaction: every check first, then every event. */
  private commit(writes: readonly StreamWrite[]): AppendResult[] {
    // Plan every write in order, as one transaction would see them, before changing anything.
    const lengths = new Map<string, number>();
    const ids = new Set<string>();
    const planned = writes.map((write) => {
      const length = lengths.get(write.streamId) ?? this.streams.get(write.streamId)?.length ?? 0;
      const fresh: EventToAppend[] = [];
      const duplicateIds: string[] = [];
      for (const event of write.events) {
        if (this.ids.has(event.eventId) || ids.has(event.eventId)) duplicateIds.push(event.eventId);
        else {
          fresh.push(event);
          ids.add(event.eventId);
        }
      }
      const expected = write.expectedVersion ?? 'any';
      if (fresh.length > 0 && !versionMatches(expected, BigInt(length - 1))) {
        throw new WrongExpectedVersionError(write.streamId, expected, BigInt(length - 1));
      }
      lengths.set(write.streamId, length + fresh.length);
      return { write, fresh, duplicateIds };
    });
    return planned.map(({ write, fresh, duplicateIds }) => {
      const stream = this.streams.get(write.streamId) ?? [];
      this.streams.set(write.streamId, stream);
      for (const event of fresh) this.record(write.streamId, stream, event);
      return {
        appended: fresh.length,
        duplicates: duplicateIds.length,
        duplicateIds,
        streamVersion: BigInt(stream.length - 1),
      };
    });
  }

  private record(streamId: string, stream: RecordedEvent[], event: EventToAppend): void {
    const recorded: RecordedEvent = {
      eventId: event.eventId,
      type: event.type,
      // Copies, as a database would store them: later changes by the caller do not leak in.
      data: structuredClone(event.data),
      metadata: structuredClone(event.metadata ?? {}),
      streamId,
      streamPosition: BigInt(stream.length),
      globalPosition: BigInt(this.all.length),
      recordedAt: new Date(),
    };
    stream.push(recorded);
    this.all.push(recorded);
    this.ids.add(event.eventId);
  }

  async readStream(
    streamId: string,
    options: { from?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const from = Number(options.from ?? 0n);
    return (this.streams.get(streamId) ?? []).slice(from, from + (options.maxCount ?? Infinity));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    const max = options.maxCount ?? 1000;
    for (
      let i = Number((options.after ?? -1n) + 1n);
      i < this.all.length && out.length < max;
      i++
    ) {
      const event = this.all[i];
      if (
        !options.streamPrefixes ||
        options.streamPrefixes.some((p) => event.streamId.startsWith(p))
      )
        out.push(event);
    }
    return out;
  }

  async headPosition(streamPrefixes?: readonly string[]): Promise<bigint> {
    const last = this.all.findLast(
      (e) => !streamPrefixes || streamPrefixes.some((p) => e.streamId.startsWith(p)),
    );
    return last?.globalPosition ?? -1n;
  }

  subscribe(options: SubscriptionOptions): Subscription {
    return new PollingSubscription(this, { pollIntervalMs: 5, retryDelayMs: 50, ...options });
  }

  async close(): Promise<void> {}
}
