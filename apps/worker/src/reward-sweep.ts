import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PayoutQueue, WebhookOutbox } from '@referrals/rewards';
import { ProcessManagerHost } from './process-manager.host';
import { REDIS } from './queues.module';
import { RewardProjections } from './reward-projections';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/**
 * Redis is not the source of truth. At start-up and every `sweepMs` the
 * worker finds its work from the events: rewards earned with no event in
 * their own stream go back on the payouts queue, pending checks back on the
 * timers queue, bonus minutes whose time is up get `RewardExpired`, and
 * webhooks owed with no job in Redis (it lost them) are queued again.
 *
 * Between sweeps, a Redis that lost its data (restarted empty, flushed) would
 * leave earned rewards unpaid until the next one: the worker leaves a key in
 * Redis before its first sweep and looks for it every second; once it is gone,
 * the worker leaves it again and sweeps at once. A sweep that failed (PostgreSQL
 * or Redis away) is tried again a few seconds later, not `sweepMs` later.
 */
@Injectable()
export class RewardSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('reward-sweep');
  private timer?: NodeJS.Timeout;
  private watcher?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private watching = false;
  private stopping = false;
  /** When the last sweep failed (wall clock), while it has not succeeded since. */
  private failedAt?: number;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    @Inject(PayoutQueue) private readonly payouts: PayoutQueue,
    @Inject(ProcessManagerHost) private readonly processManager: ProcessManagerHost,
    @Inject(RewardProjections) private readonly projections: RewardProjections,
    @Inject(WebhookOutbox) private readonly outbox: WebhookOutbox,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: with Redis away, the key is set once it is back (the sweep waits for no Redis
    // when there is nothing to queue, and start-up must not wait for one either).
    this.leaveKey().catch(() => undefined);
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepMs);
    this.watcher = setInterval(() => void this.sweepIfOwed(), WATCH_MS);
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
          () => void (this.failedAt = undefined),
          (error) => {
            this.failedAt = Date.now();
            this.settings.onError(error);
          },
        ),
    );
    return this.running;
  }

  /** A sweep now if Redis lost the key the worker left, or the last sweep failed a while ago. */
  private async sweepIfOwed(): Promise<void> {
    // One look at a time: while Redis is down, the look waits for it to come back.
    if (this.watching) return;
    this.watching = true;
    try {
      if (this.failedAt !== undefined) {
        if (Date.now() - this.failedAt >= RETRY_FAILED_MS) await this.sweep();
        return;
      }
      // (A look that waited on Redis may end after shutdown began: it starts nothing then.)
      if ((await this.redis.exists(this.sweptKey())) === 0 && !this.stopping) {
        this.logger.warn(
          'Redis holds none of what the sweeps queued (restarted empty or flushed): sweeping now',
        );
        await this.leaveKey();
        await this.sweep();
      }
    } catch {
      // Redis unreachable: its client reconnects and says so; the next look tries again.
    } finally {
      this.watching = false;
    }
  }

  /** Left in Redis before the sweep that queues its work: gone, Redis has lost that work. */
  private async leaveKey(): Promise<void> {
    await this.redis.set(this.sweptKey(), new Date().toISOString());
  }

  /** Under the queues' prefix, as their keys are: whatever emptied them took it too. */
  private sweptKey(): string {
    return `${this.settings.config.QUEUE_PREFIX}:sweep:swept`;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.watcher);
    await this.running;
  }
}

/** How often the worker looks for the sweep's key in Redis (one EXISTS). */
const WATCH_MS = 1_000;
/** How soon a failed sweep is tried again (PostgreSQL or Redis was away). */
const RETRY_FAILED_MS = 5_000;
