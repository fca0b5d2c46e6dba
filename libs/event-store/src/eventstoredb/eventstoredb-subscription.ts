import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  Position,
} from '@eventstore/db-client';
import type {
  CheckpointStore,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import type { PollingOptions } from '../polling-subscription';
import { SubscriptionProgress } from '../subscription-progress';
import {
  checkpointOf,
  isOwnStream,
  streamFilterFor,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping';

export interface HeadOfAll {
  /** The newest event of these streams after `after` (-1n if none); scans back no further than `after`. */
  headPosition(streamPrefixes?: readonly string[], after?: bigint): Promise<bigint>;
}

export interface EventStoreDbSubscriptionOptions extends SubscriptionOptions, PollingOptions {
  /** How often the server reports a checkpoint, in search windows of 32 events (default 32). */
  readonly checkpointInterval?: number;
}

/** The subscription's client is the part of EventStoreDBClient it uses (tests pass a fake). */
export type SubscribingClient = Pick<EventStoreDBClient, 'subscribeToAll'>;

/** A server checkpoint, put into the subscription's own stream so it is read in order with the events. */
interface CheckpointMark {
  readonly checkpoint: Position;
}

/**
 * A catch-up subscription to $all, filtered on the server by stream prefix,
 * started after the stored checkpoint (the server starts a subscription
 * after the position it is given; both parts of the position count).
 * Events are handed over in batches: whatever has arrived, up to
 * `batchSize`. The checkpoint moves only after the handler resolves; a
 * failed handler gets the same batch again after a pause. The server's own
 * checkpoints (every `checkpointInterval` windows of events it considered)
 * move the stored checkpoint on through streams that are not ours, once
 * every event before them has been handled. When the connection drops, it
 * resubscribes after the last position handled.
 */
export class EventStoreDbSubscription implements Subscription {
  private readonly progress = new SubscriptionProgress();
  private readonly checkpoints: CheckpointStore;
  private current: AllStreamSubscription | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: SubscribingClient,
    private readonly head: HeadOfAll,
    defaultCheckpoints: CheckpointStore,
    private readonly options: EventStoreDbSubscriptionOptions,
  ) {
    this.checkpoints = options.checkpoints ?? defaultCheckpoints;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { retryDelayMs = 1000 } = this.options;
    while (this.progress.running) {
      try {
        if (this.progress.position === undefined) {
          const stored = await this.checkpoints.load(this.options.subscriptionId);
          this.progress.moveTo(stored ?? -1n);
        }
        await this.follow(this.progress.position as bigint);
      } catch (error) {
        if (!this.progress.running) break;
        this.options.onError?.(error);
        await this.progress.pause(retryDelayMs);
      }
    }
  }

  /** Follows $all until stop() (returns) or a drop (throws). */
  private async follow(from: bigint): Promise<void> {
    const { streamPrefixes, batchSize = 500, checkpointInterval = 32 } = this.options;
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(from),
      filter: streamFilterFor(streamPrefixes, {
        interval: checkpointInterval,
        // Called by the client between two messages: what it pushed before is read first.
        reached: (stream, checkpoint) => void stream.push({ checkpoint } satisfies CheckpointMark),
      }),
    });
    this.current = subscription;
    try {
      let batch: RecordedEvent[] = [];
      const messages = subscription as AsyncIterable<AllStreamResolvedEvent | CheckpointMark>;
      for await (const message of messages) {
        if (!this.progress.running) return;
        if ('checkpoint' in message) {
          if (batch.length > 0) await this.deliver(batch);
          batch = [];
          await this.passCheckpoint(message.checkpoint);
          continue;
        }
        const event = message.event;
        if (event && isOwnStream(event.streamId, streamPrefixes)) {
          const recorded = toRecordedEvent(event);
          if (recorded.globalPosition > (this.progress.position as bigint)) batch.push(recorded);
        }
        // Deliver when the batch is full or nothing more is waiting in the stream's buffer.
        if (batch.length > 0 && (batch.length >= batchSize || subscription.readableLength === 0)) {
          await this.deliver(batch);
          batch = [];
        }
      }
      if (this.progress.running) throw new Error('the subscription to $all ended');
    } finally {
      this.current = undefined;
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  /** Hands the batch over until the handler resolves (at least once), then checkpoints. */
  private async deliver(batch: readonly RecordedEvent[]): Promise<void> {
    const { handle, retryDelayMs = 1000 } = this.options;
    while (this.progress.running) {
      try {
        await handle(batch);
        await this.storeCheckpoint(batch[batch.length - 1].globalPosition);
        return;
      } catch (error) {
        this.options.onError?.(error);
        await this.progress.pause(retryDelayMs);
      }
    }
  }

  /** Every event of ours before a server checkpoint is handled by now: resume after it next time. */
  private async passCheckpoint(checkpoint: Position): Promise<void> {
    const position = checkpointOf(checkpoint);
    if (position === undefined || position <= (this.progress.position as bigint)) return;
    await this.storeCheckpoint(position);
  }

  private async storeCheckpoint(position: bigint): Promise<void> {
    await this.checkpoints.store(this.options.subscriptionId, position);
    this.progress.moveTo(position);
  }

  /** Resolves once every event of ours stored before the call has been handled (or it stops). */
  async caughtUp(): Promise<void> {
    const { streamPrefixes } = this.options;
    await this.progress.reached(
      await this.head.headPosition(streamPrefixes, this.progress.position),
    );
  }

  async stop(): Promise<void> {
    this.progress.stop();
    const current = this.current;
    await current?.unsubscribe().catch(() => undefined);
    // A cancelled call need not end the client's stream: end it, so the loop sees it stop.
    current?.destroy();
    await this.loop;
    this.progress.notify();
  }
}
