import type { Redis } from 'ioredis';
import { ManagerStatusBoard, ProgramManagerReport } from '@referrals/process-manager';
import type { AppConfig, Runtime } from '@referrals/runtime';
import type { ProblemInit } from './http/edge/problem';

export interface ReadinessReport {
  /** `ok`: all well; `degraded`: serving, but a program is not being decided; `unavailable`: 503. */
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly store: 'ok' | string;
  readonly redis: 'ok' | string;
  readonly programs: readonly ProgramManagerReport[];
}

const CHECK_MS = 2_000;

/**
 * The 503 of `/health/ready` as a problem document (one error shape on every
 * route) that keeps the report's checks as extension members: `store`,
 * `redis` and `programs` read as they do in a 200.
 */
export function notReadyProblem(checks: Omit<ReadinessReport, 'status'>): ProblemInit {
  const failing = [
    checks.store !== 'ok' && `event store: ${checks.store}`,
    checks.redis !== 'ok' && `redis: ${checks.redis}`,
  ].filter(Boolean);
  return {
    kind: 'not-ready',
    title: 'Not ready',
    detail: failing.join('; '),
    extensions: { store: checks.store, redis: checks.redis, programs: checks.programs },
  };
}

/**
 * What `/health/ready` reports: whether the event store and Redis answer (within
 * two seconds each), and each program's process manager as its worker last
 * posted it (leading, recovering, stopped with the error, or unled). A store
 * or Redis that does not answer makes the API unready; a program not being
 * decided leaves it serving, degraded.
 */
export class Readiness {
  private readonly board: ManagerStatusBoard;

  /** `redisRefusal`: why Redis refuses the credentials now, if it does (AwaitedRedis.refusal). */
  constructor(
    private readonly runtime: Runtime,
    private readonly redis: Redis,
    config: AppConfig,
    private readonly redisRefusal: () => string | undefined = () => undefined,
  ) {
    this.board = new ManagerStatusBoard(redis, config.QUEUE_PREFIX);
  }

  async report(): Promise<ReadinessReport> {
    // A client not connected (Redis away, or not yet up at start) would hold the ping and the
    // board's read in its queue for the whole two seconds: say so at once instead, naming
    // refused credentials (a rotated password) rather than a mere reconnection.
    const connected = this.redis.status === 'ready';
    const [store, redis, programs] = await Promise.all([
      outcome(this.runtime.ready()),
      connected
        ? outcome(this.redis.ping())
        : (this.redisRefusal() ?? `not connected (${this.redis.status})`),
      connected
        ? within(this.board.read(this.runtime.programs.all().map((p) => p.id))).catch(() => [])
        : [],
    ]);
    const deciding = programs.every((p) => p.state === 'leading');
    const status = store !== 'ok' || redis !== 'ok' ? 'unavailable' : deciding ? 'ok' : 'degraded';
    return { status, store, redis, programs };
  }
}

const outcome = (check: Promise<unknown>): Promise<string> =>
  within(check).then(
    () => 'ok',
    (error: Error) => error.message || String(error),
  );

function within<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_MS} ms`)), CHECK_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
