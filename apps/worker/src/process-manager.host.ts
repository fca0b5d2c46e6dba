import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  CheckTimers,
  ManagerStatusBoard,
  ProgramLeaders,
  RedisLeases,
  ReferralProcessManager,
} from '@referrals/process-manager';
import { PayoutQueue } from '@referrals/rewards';
import { REDIS } from './queues.module';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/**
 * Runs the referral process managers of the programs this worker leads
 * (one worker per program at a time, by lease): they tell the payouts queue
 * of every reward they store and the timers queue of every check they
 * schedule. When a worker starts leading a program it re-derives the checks
 * still pending from the history and schedules them again, so a Redis that
 * lost them loses nothing.
 */
@Injectable()
export class ProcessManagerHost implements OnApplicationBootstrap, OnModuleDestroy {
  readonly leaders: ProgramLeaders;

  constructor(
    @Inject(RUNTIME) runtime: Runtime,
    @Inject(WORKER_SETTINGS) settings: WorkerSettings,
    @Inject(PayoutQueue) payouts: PayoutQueue,
    @Inject(CheckTimers) private readonly timers: CheckTimers,
    @Inject(REDIS) redis: Redis,
  ) {
    const { config } = settings;
    this.leaders = new ProgramLeaders({
      programs: runtime.programs.all().map((p) => p.id),
      leases: new RedisLeases(redis, config.QUEUE_PREFIX),
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ttlMs: config.LEASE_TTL,
      clock: settings.clock,
      onError: settings.onError,
      board: new ManagerStatusBoard(redis, config.QUEUE_PREFIX),
      create: (program) =>
        new ReferralProcessManager({
          program,
          store: runtime.store,
          programs: runtime.programs,
          readModel: runtime.readModel,
          clock: settings.clock,
          reorderWindowMs: config.REORDER_WINDOW,
          onError: settings.onError,
          onRewardsEarned: (ids) => payouts.enqueue(ids),
          onChecksScheduled: (checks) => timers.schedule(checks),
        }),
      onLeading: (manager) => timers.schedule(manager.pendingChecks()),
    });
  }

  /** Takes the leases it can; each led manager then catches up in the background. */
  onApplicationBootstrap(): Promise<void> {
    return this.leaders.start();
  }

  /** Puts every pending check back on the timers queue; a timer already there stays one job. */
  rescheduleTimers(): Promise<void> {
    return this.timers.schedule(this.leaders.pendingChecks());
  }

  /** A due check's timer went off. */
  wake(): Promise<void> {
    return this.leaders.wake();
  }

  onModuleDestroy(): Promise<void> {
    return this.leaders.stop();
  }
}
