import { MetricsTime } from 'bullmq';
import type { AppConfig, Runtime } from '@referrals/runtime';

/** Injection tokens for what the worker is built from (interfaces have no class to inject by). */
export const RUNTIME = Symbol('RUNTIME');
export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

export interface WorkerSettings {
  readonly config: AppConfig;
  /** Wall-clock time in ms; tests pass a controllable clock. */
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
  /** How often the sweep re-enqueues unpaid rewards, re-derives timers and expires minutes. */
  readonly sweepMs: number;
}

export type { Runtime };

/** Every processor counts its completed jobs: a running total, and a minute at a time for a week. */
export const WORKER_METRICS = { maxDataPoints: MetricsTime.ONE_WEEK };

/**
 * How every processor holds its jobs (BullMQ's own values, stated where the processors are
 * declared). A running job's lock is renewed from a timer, at most lockDuration / 2 apart, so a
 * long job that awaits keeps its lock; what loses it is an event loop that stands still past
 * lockDuration (no handler does long synchronous work: a 25,000-event rebuild of a process
 * manager pauses the loop ~0.1 s), a dead worker, or Redis losing the lock (restarted empty,
 * the sweep then queueing the same job id again). The stalled check, every stalledInterval,
 * runs such a job again, and a second stall fails it for the sweep to retry. Either way it runs
 * twice: every handler is idempotent (a payout is an append at the reward stream's expected
 * version, a delivery carries its Idempotency-Key, a timer only wakes the manager), and short
 * (a payout waits for the projections at most a second), so few jobs are in flight to run twice.
 * Shorter than BullMQ's 30 s defaults, so a killed worker's jobs run again within ~15 s, not
 * ~60 s: a 15,000-event chaos run (workers killed every few seconds) settled in ~16 s instead
 * of ~55 s. The stalled check is one small script a queue every 5 s.
 */
export const WORKER_LOCKS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 1,
} as const;
