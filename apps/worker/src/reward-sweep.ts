import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PayoutQueue, WebhookOutbox } from '@referrals/rewards';
import { ProcessManagerHost } from './process-manager.host';
import { RewardProjections } from './reward-projections';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/**
 * Redis is not the source of truth. At start-up and every `sweepMs` the
 * worker finds its work from the events: rewards earned with no event in
 * their own stream go back on the payouts queue, pending checks back on the
 * timers queue, bonus minutes whose time is up get `RewardExpired`, and
 * webhooks owed with no job in Redis (it lost them) are queued again.
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
    @Inject(RewardProjections) private readonly projections: RewardProjections,
    @Inject(WebhookOutbox) private readonly outbox: WebhookOutbox,
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
        this.runtime.payout.expireDue(new Date(this.settings.clock())),
      ])
        .then(() => this.projections.poke())
        .then(() => this.outbox.redrive())
        .then(
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
