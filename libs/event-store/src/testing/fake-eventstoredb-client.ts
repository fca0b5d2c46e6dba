import { PassThrough } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  AppendResult,
  EventData,
  Filter,
  Position,
  ReadPosition,
} from '@eventstore/db-client';
// The client's own subscription stream, so checkpoints reach the subscriber exactly as they would.
import { Subscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import type { EventStoreDbClientPort } from '../eventstoredb/eventstoredb-store';

/** The server's search window: a filtered subscription checkpoints every interval × window events. */
const WINDOW = 32;

interface Stored {
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position: Position;
  readonly created: Date;
}

const before = (a: Position, b: Position) =>
  a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);

/**
 * EventStoreDB as its documentation and server source describe it, in
 * memory, for unit tests of the adapter (no server runs here):
 * - an append over gRPC commits each event at its own log position
 *   (commit = prepare); `transaction()` writes events the way a legacy
 *   explicit transaction does, sharing the commit position of its commit
 *   record, after their prepares;
 * - expected revisions as the server checks them: a retry of an append that
 *   went through (same ids right after the expectation) succeeds again with
 *   that append's revision; `any` checks nothing (its idempotence lives in a
 *   cache that a restart empties);
 * - $all read forwards from a position inclusive, backwards exclusive;
 *   a subscription starts after the position it is given, filters on the
 *   server, and reports a checkpoint every `checkpointInterval` × 32 events
 *   it considers (at the last one's position, or, with `legacyCheckpoints`,
 *   at the next record's position with prepare 0, as servers before
 *   24.10.5/25.0.1 could).
 */
export class FakeEventStoreDbClient implements EventStoreDbClientPort {
  private readonly log: Stored[] = [];
  private nextPosition = 100n;
  private readonly live = new Set<(event: Stored) => void>();
  legacyCheckpoints = false;
  /** Every call, for tests to see what the adapter asked. */
  readonly calls: { method: string; args: unknown[] }[] = [];

  async appendToStream(
    streamId: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.calls.push({ method: 'appendToStream', args: [streamId, events, options] });
    const list = Array.isArray(events) ? events : [events];
    const expected = options.expectedRevision ?? ANY;
    const stream = this.stream(streamId);
    const current = stream.length === 0 ? NO_STREAM : stream[stream.length - 1].revision;
    const currentNumber = stream.length - 1;
    const fail = () => {
      throw new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current });
    };
    if (expected === STREAM_EXISTS && stream.length === 0) fail();
    if (typeof expected === 'bigint' || expected === NO_STREAM) {
      const after = expected === NO_STREAM ? -1 : Number(expected);
      if (after > currentNumber) fail();
      if (after < currentNumber) {
        const there = stream.slice(after + 1, after + 1 + list.length).map((e) => e.id);
        const repeat = there.length === list.length && list.every((e, i) => e.id === there[i]);
        if (!repeat) fail();
        const last = stream[after + list.length];
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
    }
    for (const event of list)
      this.record(streamId, event.id, event.type, event.data, event.metadata);
    const last = this.stream(streamId).at(-1) as Stored;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  /** Events of one stream written as a legacy explicit transaction: one commit position for all. */
  transaction(streamId: string, events: { id: string; type: string; data: unknown }[]): void {
    const prepares = events.map(() => this.take());
    const commit = this.take();
    let revision = BigInt(this.stream(streamId).length);
    for (const [i, event] of events.entries()) {
      this.store({
        streamId,
        revision: revision++,
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: undefined,
        position: { commit, prepare: prepares[i] },
        created: new Date(),
      });
    }
  }

  /** An event of the server's own (statistics and the like), which the adapter must never hand on. */
  systemEvent(): void {
    this.record('$stats-127.0.0.1:2113', crypto.randomUUID(), '$statsCollected', {}, undefined);
  }

  readStream(
    streamId: string,
    options: {
      fromRevision?: bigint | typeof START | typeof END;
      maxCount?: number | bigint;
      direction?: string;
    } = {},
  ) {
    this.calls.push({ method: 'readStream', args: [streamId, options] });
    const stream = this.stream(streamId);
    const backwards = options.direction === BACKWARDS;
    const from = options.fromRevision ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    return (async function* () {
      if (stream.length === 0) throw new StreamNotFoundError(undefined, streamId);
      const ordered = backwards ? [...stream].reverse() : stream;
      const kept = ordered.filter((e) => {
        if (from === START || from === END) return true;
        return backwards ? e.revision <= from : e.revision >= from;
      });
      for (const event of kept.slice(0, max)) yield { event: recorded(event) };
    })() as never;
  }

  readAll(
    options: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: string } = {},
  ) {
    this.calls.push({ method: 'readAll', args: [options] });
    const backwards = options.direction === BACKWARDS;
    const from = options.fromPosition ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const all = this.all();
    const kept = backwards
      ? all.filter((e) => from === END || from === START || before(e.position, from)).reverse()
      : all.filter((e) => from === START || (from !== END && !before(e.position, from)));
    const page = kept.slice(0, max);
    return (async function* () {
      for (const event of page) yield { event: recorded(event) };
    })() as never;
  }

  subscribeToAll(
    options: { fromPosition?: ReadPosition; filter?: Filter } = {},
  ): AllStreamSubscription {
    this.calls.push({ method: 'subscribeToAll', args: [options] });
    const { fromPosition = START, filter } = options;
    const grpc = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => undefined });
    const subscription = new Subscription(
      async () => grpc as never,
      (event: unknown) => event as AllStreamResolvedEvent,
      {},
      filter?.checkpointReached,
    ) as unknown as AllStreamSubscription;
    const every = (filter?.checkpointInterval ?? 1) * WINDOW;
    let considered = 0;
    const offer = (event: Stored) => {
      if (!filter || matches(filter, event.streamId)) grpc.write(eventResponse(event));
      if (filter && ++considered % every === 0)
        grpc.write(checkpointResponse(this.checkpointAt(event)));
    };
    const all = this.all();
    // The server reads the event at (or first after) the position given and starts after it.
    let start = 0;
    if (fromPosition === END) start = all.length;
    else if (fromPosition !== START) {
      const at = all.findIndex((e) => !before(e.position, fromPosition));
      start = at < 0 ? all.length : at + 1;
    }
    all.slice(start).forEach(offer);
    this.live.add(offer);
    const unsubscribe = subscription.unsubscribe.bind(subscription);
    subscription.unsubscribe = async () => {
      this.live.delete(offer);
      await unsubscribe();
    };
    return subscription;
  }

  async setStreamMetadata(): Promise<never> {
    return { success: true, nextExpectedRevision: 0n } as never;
  }

  async dispose(): Promise<void> {
    this.live.clear();
  }

  /** The position of the newest record in $all. */
  get head(): Position | undefined {
    return this.all().at(-1)?.position;
  }

  private checkpointAt(event: Stored): Position {
    if (!this.legacyCheckpoints) return event.position;
    return { commit: event.position.commit + 1n, prepare: 0n };
  }

  private record(streamId: string, id: string, type: string, data: unknown, metadata: unknown) {
    const position = this.take();
    this.store({
      streamId,
      revision: BigInt(this.stream(streamId).length),
      id,
      type,
      // As JSON on the wire: later changes by the caller do not leak in.
      data: structuredClone(data),
      metadata: structuredClone(metadata),
      position: { commit: position, prepare: position },
      created: new Date(),
    });
  }

  private store(event: Stored) {
    this.log.push(event);
    for (const listener of this.live) listener(event);
  }

  private take(): bigint {
    const position = this.nextPosition;
    this.nextPosition += 100n;
    return position;
  }

  private stream(streamId: string): Stored[] {
    return this.log.filter((e) => e.streamId === streamId);
  }

  private all(): Stored[] {
    return [...this.log].sort((a, b) => (before(a.position, b.position) ? -1 : 1));
  }
}

const matches = (filter: Filter, streamId: string) =>
  'prefixes' in filter
    ? filter.prefixes.some((p) => streamId.startsWith(p))
    : new RegExp(filter.regex).test(streamId);

const recorded = (event: Stored): AllStreamRecordedEvent =>
  ({
    streamId: event.streamId,
    id: event.id,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    isJson: true,
    created: event.created,
    position: event.position,
  }) as AllStreamRecordedEvent;

/** A ReadResp as the client's subscription reads it, carrying an event. */
const eventResponse = (event: Stored) => ({
  hasEvent: () => true,
  getEvent: () => ({ event: recorded(event) }),
});

/** A ReadResp carrying a checkpoint. */
const checkpointResponse = (position: Position) => ({
  hasCheckpoint: () => true,
  getCheckpoint: () => ({
    getCommitPosition: () => position.commit.toString(),
    getPreparePosition: () => position.prepare.toString(),
  }),
});
