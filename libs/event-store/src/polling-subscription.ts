import type {
  CheckpointStore,
  EventStore,
  Subscription,
  SubscriptionOptions,
} from './event-store.port';
import { SubscriptionProgress } from './subscription-progress';

/** What a store offers a polling subscriber beyond the port. */
export interface PollableStore extends Pick<EventStore, 'readAll' | 'checkpoints'> {
  /** The position of the newest event stored now (of these streams only, when given), -1n if none. */
  headPosition(streamPrefixes?: readonly string[]): Promise<bigint>;
}

export interface PollingOptions {
  /** Pause between reads that found nothing new (default 50 ms). */
  readonly pollIntervalMs?: number;
  /** Pause after a failed read or handler before trying again (default 500 ms). */
  readonly retryDelayMs?: number;
}

/**
 * A catch-up subscription by polling: it reads past its checkpoint in global
 * order through `readAll` (whose SQL never passes a transaction that commits
 * late), hands each batch to the handler, and stores the checkpoint only
 * after the handler resolves: delivery is at least once, and a restart
 * resumes after the last stored batch.
 */
export class PollingSubscription implements Subscription {
  private readonly progress = new SubscriptionProgress();
  private readonly checkpoints: CheckpointStore;
  private readonly loop: Promise<void>;

  constructor(
    private readonly store: PollableStore,
    private readonly options: SubscriptionOptions & PollingOptions,
  ) {
    this.checkpoints = options.checkpoints ?? store.checkpoints;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { subscriptionId, streamPrefixes, batchSize = 500, handle } = this.options;
    const { pollIntervalMs = 50, retryDelayMs = 500 } = this.options;
    const progress = this.progress;
    while (progress.running) {
      try {
        if (progress.position === undefined) {
          progress.moveTo((await this.checkpoints.load(subscriptionId)) ?? -1n);
        }
        const batch = await this.store.readAll({
          after: progress.position,
          maxCount: batchSize,
          streamPrefixes,
        });
        if (batch.length === 0) {
          await progress.pause(pollIntervalMs);
          continue;
        }
        await handle(batch);
        const last = batch[batch.length - 1].globalPosition;
        await this.checkpoints.store(subscriptionId, last);
        progress.moveTo(last);
      } catch (error) {
        // Nothing moved: the same batch comes again after the pause.
        this.options.onError?.(error);
        await progress.pause(retryDelayMs);
      }
    }
  }

  /** Resolves once every event stored before the call has been handled (or the subscription stops). */
  async caughtUp(): Promise<void> {
    const head = await this.store.headPosition(this.options.streamPrefixes);
    this.progress.wake(); // read now rather than after the poll interval
    await this.progress.reached(head);
  }

  async stop(): Promise<void> {
    this.progress.stop();
    await this.loop;
    this.progress.notify();
  }
}
