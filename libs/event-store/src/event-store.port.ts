/**
 * The event store port: the only way the engine reads and writes events.
 * Adapters: PostgreSQL (`pg`), PGlite (embedded, same SQL), EventStoreDB, in-memory.
 */

/** An event to append. `eventId` is the idempotency key: the same id appended again is a duplicate, not an error. */
export interface EventToAppend {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RecordedEvent<Data = unknown> {
  readonly eventId: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly streamId: string;
  /** 0-based position within its stream. */
  readonly streamPosition: bigint;
  /**
   * Position in the store's global order ($all): unique, increasing in the
   * order readAll and subscriptions deliver; may have gaps (rolled-back
   * appends on SQL, other streams on EventStoreDB). Use it with `after`.
   */
  readonly globalPosition: bigint;
  readonly recordedAt: Date;
}

/**
 * What the stream must look like for an append to go through:
 * `any`; `no_stream` (it must not exist); `stream_exists`; or the position of
 * its last event (`-1n` for an empty stream is the same as `no_stream`).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** Events written now. */
  readonly appended: number;
  /** Events whose `eventId` was already in the store: skipped. */
  readonly duplicates: number;
  /** The ids of those duplicates. */
  readonly duplicateIds: readonly string[];
  /** Position of the stream's last event after the append (-1n when empty). */
  readonly streamVersion: bigint;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: bigint,
    /**
     * The writes of its batch stored before it, on a store that appends a
     * batch stream by stream (EventStoreDB); none elsewhere. Still a conflict
     * to callers, who retry the batch whole (see PartialBatchError).
     */
    readonly completed: readonly AppendResult[] = [],
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/**
 * appendBatch on a store without multi-stream transactions (EventStoreDB)
 * stopped part-way: the first `completed.length` writes went through (their
 * results, in order), the next one failed with `cause`, and none after it was
 * tried. Every event carries its id, so retrying the whole batch is safe:
 * what went in before is a duplicate then. A batch that fails on its first
 * write throws that write's error itself: nothing went in; one that stops on
 * a conflict throws WrongExpectedVersionError with `completed` set, so
 * callers that retry conflicts go on doing so.
 */
export class PartialBatchError extends Error {
  constructor(
    readonly completed: readonly AppendResult[],
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`batch stopped after ${completed.length} write(s): ${reason}`, { cause });
  }
}

/** What a batch that stopped part-way throws: see PartialBatchError. */
export function stoppedBatch(completed: readonly AppendResult[], error: unknown): unknown {
  if (completed.length === 0) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedVersionError(error.streamId, error.expected, error.actual, completed);
  }
  return new PartialBatchError(completed, error);
}

/** The writes of a batch stored before it failed with `error` (none unless stream by stream). */
export function completedWrites(error: unknown): readonly AppendResult[] {
  const stopped = error instanceof PartialBatchError || error instanceof WrongExpectedVersionError;
  return stopped ? error.completed : [];
}

export interface ReadAllOptions {
  /** Read events strictly after this global position (default: from the start). */
  readonly after?: bigint;
  /** At most this many events (default 1000): page on with `after` = the last one's position. */
  readonly maxCount?: number;
  /** Only streams whose id starts with one of these prefixes (matched literally). */
  readonly streamPrefixes?: readonly string[];
}

export interface SubscriptionOptions {
  /** Names the subscriber; its checkpoint is stored under this id. */
  readonly subscriptionId: string;
  readonly streamPrefixes?: readonly string[];
  readonly batchSize?: number;
  /**
   * Handles a batch in global order. The checkpoint moves past the batch only
   * after the handler resolves (at-least-once); a handler that throws gets the
   * same batch again after a pause.
   */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
  /**
   * Where the checkpoint is kept. Default: the store's own checkpoint table.
   * A projection passes its own, to save rows and checkpoint in one transaction.
   */
  readonly checkpoints?: CheckpointStore;
  readonly onError?: (error: unknown) => void;
}

export interface CheckpointStore {
  load(subscriptionId: string): Promise<bigint | undefined>;
  store(subscriptionId: string, position: bigint): Promise<void>;
}

export interface Subscription {
  /**
   * Resolves once the subscriber has handled everything appended before the
   * call (or once it stops). While a handler keeps failing, it waits.
   */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventStore {
  /** Appends to one stream, atomically. */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: { expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  /**
   * Appends to several streams. All or nothing where the store can (PostgreSQL,
   * PGlite, in-memory: one transaction); on EventStoreDB stream by stream, in
   * order: a failure part-way throws PartialBatchError, and the batch is safe
   * to retry whole because event ids make a repeat a no-op.
   */
  appendBatch(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  readStream(
    streamId: string,
    options?: { from?: bigint; maxCount?: number },
  ): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * A catch-up subscription from the stored checkpoint. Never skips an event,
   * even one whose transaction commits after a later one.
   */
  subscribe(options: SubscriptionOptions): Subscription;
  readonly checkpoints: CheckpointStore;
  close(): Promise<void>;
}
