import { PgDatabase, quoteIdent } from '@referrals/event-store';
import { SHUTDOWN_DEADLINE_MS } from '@referrals/runtime';
import {
  BUILT_API as API,
  BUILT_WORKER as WORKER,
  recentSignup,
  startBuilt,
} from '../support/built-process';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'stop-test-admin-key';
/**
 * A clean stop with Redis down takes ~100 ms here; the bound leaves room for a
 * busy machine and stays well under the shutdown deadline (8 s, after which
 * the process exits 1 naming what did not close).
 */
const STOPS_WITHIN_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A built process as deployed, its output kept for the assertions. */
const start = (main: string, env: Record<string, string>) =>
  startBuilt(main, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    ADMIN_API_KEY: ADMIN_KEY,
    ...env,
  });
type Started = ReturnType<typeof start>;

/** SIGTERM, then how the process ended and how long it took (SIGKILL past 15 s, reported as such). */
async function terminate({ child, exited }: Started) {
  const sentAt = Date.now();
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const end = await exited;
  clearTimeout(kill);
  return { ...end, tookMs: Date.now() - sentAt };
}

async function until(what: string, withinMs: number, probe: () => Promise<boolean> | boolean) {
  const end = Date.now() + withinMs;
  while (!(await Promise.resolve(probe()).catch(() => false))) {
    if (Date.now() > end) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(100);
  }
}

async function ready(base: string): Promise<{ status: number; redis?: string }> {
  const response = await fetch(`${base}/health/ready`);
  const body = (await response.json()) as { redis?: string };
  return { status: response.status, redis: body.redis };
}

const post = (base: string, body: unknown) =>
  fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * `kill -TERM` stops cleanly, Redis or no Redis: a process whose Redis is
 * down (never reached, or gone while it ran) must not wait for it on its way
 * out. BullMQ's graceful close waited for connections that never end, and
 * commands queued for a reconnection waited for ever; the API with the worker
 * in-process and the worker alone both hung until killed.
 */
describe('SIGTERM while Redis is down', () => {
  let schema: string;
  let env: Record<string, string>;
  const direct = new PgDatabase('postgres://postgres@127.0.0.1:5432/postgres', {
    onError: () => undefined,
  });
  const running: Started[] = [];
  let redis: PrivateRedis | undefined;

  beforeEach(() => {
    schema = `stopnoredis_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    env = { DATABASE_SCHEMA: schema, QUEUE_PREFIX: schema };
  });

  afterEach(async () => {
    for (const { child } of running.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await redis?.down();
    redis = undefined;
    await direct.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  });

  afterAll(() => direct.close());

  const launch = (main: string, extra: Record<string, string>) => {
    const started = start(main, { ...env, ...extra });
    running.push(started);
    return started;
  };

  const expectCleanStop = (
    stopped: Awaited<ReturnType<typeof terminate>>,
    { output }: Started,
    who: string,
  ) => {
    process.stdout.write(`${who}: exit ${stopped.code} ${stopped.tookMs} ms after SIGTERM\n`);
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.tookMs).toBeLessThan(STOPS_WITHIN_MS);
    expect(output.stderr).not.toMatch(/did not finish within/);
  };

  it('the API with the worker in-process, Redis never reached: exits 0 at once', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = launch(API, {
      PORT: String(port),
      RUN_WORKER: 'true',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    await until('API answering', 20_000, async () => (await ready(base)).status === 503);
    // Work waiting on Redis meanwhile: an event stored, and the worker's rounds trying.
    expect((await post(base, recentSignup('e-1', 'acct-1'))).status).toBe(202);
    await sleep(1_500);
    expectCleanStop(await terminate(api), api, 'api, Redis never up');
  }, 60_000);

  it('the API with the worker in-process, Redis gone while it ran: exits 0 at once', async () => {
    redis = await PrivateRedis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = launch(API, { PORT: String(port), RUN_WORKER: 'true', REDIS_URL: redis.url });
    await until('API ready', 30_000, async () => (await ready(base)).status === 200);
    expect((await post(base, recentSignup('e-1', 'acct-1'))).status).toBe(202);
    await redis.down();
    await until('API not ready, naming Redis', 10_000, async () => {
      const answer = await ready(base);
      return answer.status === 503 && answer.redis !== 'ok';
    });
    await sleep(1_000); // between reconnection attempts, with the worker's rounds waiting on Redis
    expectCleanStop(await terminate(api), api, 'api, Redis gone');
  }, 60_000);

  it('a Redis that hangs with its connections open: exits 1 at the deadline, naming what did not close', async () => {
    redis = await PrivateRedis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = launch(API, { PORT: String(port), RUN_WORKER: 'true', REDIS_URL: redis.url });
    await until('API ready', 30_000, async () => (await ready(base)).status === 200);
    // Connected as far as the client knows, answering nothing: only the deadline ends this.
    redis.freeze();
    const stopped = await terminate(api);
    process.stdout.write(
      `api, Redis frozen: exit ${stopped.code} ${stopped.tookMs} ms after SIGTERM\n`,
    );
    expect(stopped).toMatchObject({ code: 1, signal: null });
    expect(stopped.tookMs).toBeGreaterThanOrEqual(SHUTDOWN_DEADLINE_MS);
    expect(stopped.tookMs).toBeLessThan(SHUTDOWN_DEADLINE_MS + STOPS_WITHIN_MS);
    expect(api.output.stderr).toMatch(
      new RegExp(
        `^api: stopping: .+ did not finish within ${SHUTDOWN_DEADLINE_MS} ms; (not run: .+; )?exiting anyway$`,
        'm',
      ),
    );
  }, 60_000);

  it('the worker alone, Redis gone while it ran: exits 0 at once', async () => {
    redis = await PrivateRedis.start();
    const worker = launch(WORKER, { REDIS_URL: redis.url });
    await until('worker running', 30_000, () => worker.output.stdout.includes('worker running'));
    await sleep(1_000); // leading its programs
    await redis.down();
    await sleep(1_500);
    expectCleanStop(await terminate(worker), worker, 'worker, Redis gone');
  }, 60_000);

  it('the worker alone, still waiting for Redis at start: exits 0 at once', async () => {
    const worker = launch(WORKER, { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    await until('worker waiting for Redis', 10_000, () =>
      worker.output.stderr.includes('worker: waiting for Redis: attempt 2'),
    );
    expectCleanStop(await terminate(worker), worker, 'worker, Redis never up');
  }, 60_000);
});
