import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Payout, RewardPayout } from './reward-payout';

export const PAYOUT_QUEUE = 'payouts';

export interface PayoutJob {
  readonly rewardId: string;
}

export const PAYOUT_JOB_OPTIONS: JobsOptions = {
  // A reward not yet in the read model is retried; backoff spaces the tries.
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
  // While a job waits or runs, its id makes a repeated add a no-op. Once done it goes at
  // once: a reward to pay again (its views rebuilt, a new database on the same Redis)
  // must get a new job, and the ledger, not the job id, keeps it paid once.
  removeOnComplete: true,
  // Failures stay for an admin to see; the sweep retries them.
  removeOnFail: false,
};

/**
 * One BullMQ job per earned reward, its id the reward id: adding the same
 * reward again while its job is kept is a no-op. BullMQ runs a job at least
 * once (a stalled job runs again); exactly once comes from the ledger.
 */
export class PayoutQueue {
  constructor(private readonly queue: Queue) {}

  async enqueue(rewardIds: readonly string[]): Promise<void> {
    if (rewardIds.length === 0) return;
    await this.queue.addBulk(
      rewardIds.map((rewardId) => ({
        name: 'pay',
        data: { rewardId } satisfies PayoutJob,
        opts: { ...PAYOUT_JOB_OPTIONS, jobId: rewardId },
      })),
    );
  }

  /**
   * Re-enqueues every reward earned with no event in its own stream yet
   * (the lifecycle projection of the referral and reward streams): Redis is
   * not the source of truth. A job that finished while its reward still shows as unpaid (it
   * used up its attempts, or it paid the same reward in an earlier database
   * on this Redis) keeps its id, so adding it again is a no-op: it is run
   * again instead. A payout run again pays nothing twice.
   */
  async sweep(payout: RewardPayout): Promise<number> {
    const unpaid = await payout.unpaid();
    await this.enqueue(unpaid);
    const states = await Promise.all(unpaid.map((id) => this.queue.getJobState(id)));
    await Promise.all(
      unpaid.map(async (id, i) => {
        const state = states[i];
        if (state !== 'completed' && state !== 'failed') return;
        await (await this.queue.getJob(id))?.retry(state);
      }),
    );
    return unpaid.length;
  }

  /** Jobs not yet finished. */
  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  get raw(): Queue {
    return this.queue;
  }
}

/**
 * What a payouts worker does with a job, whichever host runs it (the Nest
 * processor, or a plain BullMQ Worker in tests). A reward not yet projected
 * fails the job, so the queue tries again later.
 */
export function payoutJobHandler(
  payout: RewardPayout,
  onSettled?: (payout: Payout) => Promise<void>,
): (job: Job<PayoutJob>) => Promise<Payout['outcome']> {
  return async (job) => {
    const result = await payout.payout(job.data.rewardId);
    if (result.outcome === 'not_yet_known')
      throw new Error(`reward ${job.data.rewardId} is not in the read model yet`);
    await onSettled?.(result);
    return result.outcome;
  };
}
