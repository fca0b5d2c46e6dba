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
} from './event-store.port';
import { PollingSubscription } from './polling-subscription';
import { versionMatches } from './sql/sql-event-store';

/** The event store in memory, with the same semantics, for tests of other code. */
export class InMemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly ids = new Set<string>();
  private readonly saved = new Map<string, bigint>();
  readonly checkpoints: CheckpointStore = {
    load: async (id) => this.saved.get(id),
    store: async (id, position) => void this.saved.set(id, position),
  };

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
    // Check every write before changing anything: all or nothing.
    const planned = writes.map((write) => {
      const current = BigInt((this.streams.get(write.streamId)?.length ?? 0) - 1);
      const seen = new Set<string>();
      const fresh = write.events.filter(
        (e) => !this.ids.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId),
      );
      if (fresh.length > 0 && !versionMatches(write.expectedVersion ?? 'any', current)) {
        throw new WrongExpectedVersionError(
          write.streamId,
          write.expectedVersion ?? 'any',
          current,
        );
      }
      return { write, fresh, current };
    });
    return planned.map(({ write, fresh }) => {
      const stream = this.streams.get(write.streamId) ?? [];
      this.streams.set(write.streamId, stream);
      for (const event of fresh) {
        const recorded: RecordedEvent = {
          eventId: event.eventId,
          type: event.type,
          data: structuredClone(event.data),
          metadata: { ...(event.metadata ?? {}) },
          streamId: write.streamId,
          streamPosition: BigInt(stream.length),
          globalPosition: BigInt(this.all.length),
          recordedAt: new Date(),
        };
        stream.push(recorded);
        this.all.push(recorded);
        this.ids.add(event.eventId);
      }
      const duplicateIds = write.events.filter((e) => !fresh.includes(e)).map((e) => e.eventId);
      return {
        appended: fresh.length,
        duplicates: duplicateIds.length,
        duplicateIds,
        streamVersion: BigInt(stream.length - 1),
      };
    });
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

  async headPosition(): Promise<bigint> {
    return BigInt(this.all.length - 1);
  }

  subscribe(options: SubscriptionOptions): Subscription {
    return new PollingSubscription(this, { pollMs: 5, ...options });
  }

  async close(): Promise<void> {}
}
