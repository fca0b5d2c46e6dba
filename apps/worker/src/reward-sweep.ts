import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PayoutQueue } from '@referrals/rewards';
import { ProcessManagerHost } from './process-manager.host';
import { RewardNotices } from './reward-notices';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/**
 * Redis is not the source of truth. At start-up and every `sweepMs` the
 * worker re-enqueues every reward the read model still shows as earned,
 * puts pending checks back on the timers queue, and takes back bonus minutes
 * whose time is up (an expiry entry in the ledger, and a webhook).
 */
@Injectable()
export class RewardSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    @Inject(PayoutQueue) private readonly payouts: PayoutQueue,
    @Inject(ProcessManagerHost) private readonly processManager: ProcessManagerHost,
    @Inject(RewardNotices) private readonly notices: RewardNotices,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepMs);
  }

  /** One pass; passes never overlap. */
  sweep(): Promise<void> {
    this.running = this.running.then(() =>
      Promise.all([
        this.payouts.sweep(this.runtime.payout),
        this.processManager.rescheduleTimers(),
        this.runtime.payout
          .expireDue(new Date(this.settings.clock()))
          .then((ids) => this.notices.expired(ids)),
      ]).then(
        () => undefined,
        (error) => this.settings.onError(error),
      ),
    );
    return this.running;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
