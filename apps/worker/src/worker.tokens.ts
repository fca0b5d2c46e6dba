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
