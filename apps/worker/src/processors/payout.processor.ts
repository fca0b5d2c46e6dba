import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PAYOUT_QUEUE, payoutJobHandler, PayoutJob } from '@referrals/rewards';
import { RewardProjections } from '../reward-projections';
import {
  Runtime,
  RUNTIME,
  WORKER_SETTINGS,
  WorkerSettings,
  WORKER_METRICS,
  WORKER_LOCKS,
} from '../worker.tokens';

/**
 * Pays each earned reward (jobId = rewardId). Many jobs run at once so that
 * their payouts share an append (RewardPayout batches them); the reward's
 * stream, appended at its expected version, not the queue, makes each reward
 * paid once. The projections then fold the payment (ledger, outbox).
 */
@Processor(PAYOUT_QUEUE, { metrics: WORKER_METRICS, ...WORKER_LOCKS })
export class PayoutProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly handle: (job: Job<PayoutJob>) => Promise<string>;

  constructor(
    @Inject(RUNTIME) runtime: Runtime,
    @Inject(RewardProjections) projections: RewardProjections,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {
    super();
    this.handle = payoutJobHandler(runtime.payout, () => {
      void projections.poke();
      return Promise.resolve();
    });
  }

  /** The worker exists once the module has started; its concurrency comes from the configuration. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.settings.config.PAYOUT_CONCURRENCY;
  }

  process(job: Job<PayoutJob>): Promise<string> {
    return this.handle(job);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.settings.onError(error);
  }
}
