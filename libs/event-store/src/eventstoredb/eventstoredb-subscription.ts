import type { AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import type {
  CheckpointStore,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from '../event-store.port';
import type { PollingOptions } from '../polling-subscription';
import { SubscriptionProgress } from '../subscription-progress';
import {
  isOwnStream,
  streamFilterFor,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping';

export interface HeadOfAll {
  headPosition(streamPrefixes?: readonly string[]): Promise<bigint>;
}

/**
 * A catch-up subscription to $all from the stored checkpoint, filtered on the
 * server by stream name. Events are handed over in batches: whatever has
 * arrived, up to `batchSize`. The checkpoint moves only after the handler
 * resolves; a failed handler gets the same batch again after a pause. When
 * the connection drops, it resubscribes from the last handled position.
 */
export class EventStoreDbSubscription implements Subscription {
  private readonly progress = new SubscriptionProgress();
  private readonly checkpoints: CheckpointStore;
  private current: AllStreamSubscription | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly head: HeadOfAll,
    defaultCheckpoints: CheckpointStore,
    private readonly options: SubscriptionOptions & PollingOptions,
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
    const { streamPrefixes, batchSize = 500 } = this.options;
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(from),
      filter: streamFilterFor(streamPrefixes),
    });
    this.current = subscription;
    try {
      let batch: RecordedEvent[] = [];
      for await (const resolved of subscription) {
        if (!this.progress.running) return;
        const event = resolved.event;
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
    const { subscriptionId, handle, retryDelayMs = 1000 } = this.options;
    const last = batch[batch.length - 1].globalPosition;
    while (this.progress.running) {
      try {
        await handle(batch);
        await this.checkpoints.store(subscriptionId, last);
        this.progress.moveTo(last);
        return;
      } catch (error) {
        this.options.onError?.(error);
        await this.progress.pause(retryDelayMs);
      }
    }
  }

  /** Resolves once every event of ours stored before the call has been handled (or it stops). */
  async caughtUp(): Promise<void> {
    await this.progress.reached(await this.head.headPosition(this.options.streamPrefixes));
  }

  async stop(): Promise<void> {
    this.progress.stop();
    await this.current?.unsubscribe().catch(() => undefined);
    await this.loop;
    this.progress.notify();
  }
}
