import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RewardPayout } from './reward-payout';

export const PAYOUT_QUEUE = 'payouts';

export interface PayoutQueueOptions {
  readonly connection: Redis;
  /** Redis key prefix; tests use a fresh one each. */
  readonly prefix?: string;
  readonly concurrency?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * One BullMQ job per earned reward, its id the reward id: adding the same
 * reward again while its job is kept is a no-op. BullMQ runs a job at least
 * once (a stalled job runs again); exactly once comes from the ledger.
 */
export class PayoutQueue {
  private readonly queue: Queue;

  constructor(private readonly options: PayoutQueueOptions) {
    this.queue = new Queue(PAYOUT_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        // A reward not yet in the read model is retried; backoff spaces the tries.
        attempts: 10,
        backoff: { type: 'exponential', delay: 200 },
        // Kept a day so a repeated add is recognised; failures stay for an admin to see.
        removeOnComplete: { age: 86_400 },
        removeOnFail: false,
      },
    });
  }

  async enqueue(rewardIds: readonly string[]): Promise<void> {
    if (rewardIds.length === 0) return;
    await this.queue.addBulk(
      rewardIds.map((rewardId) => ({ name: 'pay', data: { rewardId }, opts: { jobId: rewardId } })),
    );
  }

  /** Re-enqueues what the read model says is unpaid: Redis is not the source of truth. */
  async sweep(payout: RewardPayout): Promise<number> {
    const unpaid = await payout.unpaid();
    await this.enqueue(unpaid);
    return unpaid.length;
  }

  /**
   * `onPaid` follows each payout of a paid reward (the webhook to upstream),
   * also on a rerun, so a crash between paying and telling loses no message.
   */
  work(payout: RewardPayout, onPaid?: (rewardId: string) => Promise<void>): Worker {
    const worker = new Worker(
      PAYOUT_QUEUE,
      async (job) => {
        const outcome = await payout.pay(job.data.rewardId as string);
        if (outcome === 'not_yet_known')
          throw new Error(`reward ${job.data.rewardId} is not in the read model yet`);
        if (outcome === 'paid' || outcome === 'already_done')
          await onPaid?.(job.data.rewardId as string);
        return outcome;
      },
      {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency ?? 20,
      },
    );
    worker.on('error', (error) => this.options.onError?.(error));
    return worker;
  }

  get raw(): Queue {
    return this.queue;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
