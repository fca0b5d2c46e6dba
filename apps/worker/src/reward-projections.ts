import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WebhookOutbox } from '@referrals/rewards';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/** How often the worker folds new reward events into its projections when nothing pokes it. */
const TICK_MS = 200;

/**
 * Keeps the reward projections caught up in the worker: the lifecycle (views
 * and ledger), then the webhook outbox, then hands owed webhooks to the
 * deliveries queue. Each step resumes from its own checkpoint, so a crash
 * between any two of them loses nothing and doubles nothing: the next pass
 * (here or in another worker) does what is left.
 */
@Injectable()
export class RewardProjections implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(WebhookOutbox) private readonly outbox: WebhookOutbox,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poke(), TICK_MS);
  }

  /** One pass now, or right after the one running; passes never overlap. */
  poke(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((error) => this.settings.onError(error));
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    await this.runtime.lifecycle.catchUp();
    await this.runtime.outbox.catchUp();
    while ((await this.outbox.dispatch()) > 0);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
