import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CheckTimers, ReferralProcessManager } from '@referrals/process-manager';
import { PayoutQueue } from '@referrals/rewards';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/**
 * Runs the referral process manager for the life of the worker: it tells the
 * payouts queue of every reward it stores and the timers queue of every check
 * it schedules. At start-up it re-derives the checks still pending from the
 * history and schedules them again, so a Redis that lost them loses nothing.
 */
@Injectable()
export class ProcessManagerHost implements OnApplicationBootstrap, OnModuleDestroy {
  readonly processManager: ReferralProcessManager;

  constructor(
    @Inject(RUNTIME) runtime: Runtime,
    @Inject(WORKER_SETTINGS) settings: WorkerSettings,
    @Inject(PayoutQueue) payouts: PayoutQueue,
    @Inject(CheckTimers) private readonly timers: CheckTimers,
  ) {
    this.processManager = new ReferralProcessManager({
      store: runtime.store,
      programs: runtime.programs,
      readModel: runtime.readModel,
      clock: settings.clock,
      reorderWindowMs: settings.config.REORDER_WINDOW,
      onError: settings.onError,
      onRewardsEarned: (ids) => payouts.enqueue(ids),
      onChecksScheduled: (checks) => timers.schedule(checks),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.processManager.start();
    await this.rescheduleTimers();
  }

  /** Puts every pending check back on the timers queue; a timer already there stays one job. */
  rescheduleTimers(): Promise<void> {
    return this.timers.schedule(this.processManager.pendingChecks());
  }

  /** A due check's timer went off. */
  wake(): Promise<void> {
    return this.processManager.wake();
  }

  onModuleDestroy(): Promise<void> {
    return this.processManager.stop();
  }
}
