import { PgDatabase, quoteIdent, SqlEventStore } from '@referrals/event-store';
import { accountStream } from '@referrals/ingestion';
import {
  adminRequest,
  aliveButNotReady,
  BUILT_API as API,
  BUILT_WORKER as WORKER,
  recentSignup,
  startBuilt,
  stopBuilt,
  until,
} from '../support/built-process';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'start-test-admin-key';
/** From Redis up to ready: the longest pause between attempts (5 s) and a program's lease taken. */
const READY_WITHIN_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A built process as deployed (API and worker apart), its output kept for the assertions. */
const start = (main: string, env: Record<string, string>) =>
  startBuilt(main, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    ADMIN_API_KEY: ADMIN_KEY,
    ...env,
  });

const request = (base: string, method: string, path: string, body?: unknown) =>
  adminRequest(base, ADMIN_KEY, method, path, body);

/** Whole lines only: a line still being written when the test looks has no end yet. */
const waitingLines = (stderr: string, prefix: string) =>
  stderr
    .slice(0, stderr.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.startsWith(prefix));

/**
 * Operators start things in any order: the API and the worker started while
 * Redis is down both stay up, trying again with one line per attempt. The
 * API serves as it does when Redis goes away while it runs: events are stored
 * in PostgreSQL (the store is the truth; Redis holds queues and leases) and
 * acknowledged, readiness is 503 naming Redis. Once a Redis starts, the API
 * turns ready by itself, with no restart, and the worker decides every
 * event stored meanwhile and after.
 */
describe('the API (and the worker) started while Redis is down', () => {
  it('serves, stores events, is not ready naming Redis, and turns ready by itself once Redis starts', async () => {
    const redisPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const schema = `noredis_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const direct = new PgDatabase('postgres://postgres@127.0.0.1:5432/postgres', {
      onError: () => undefined,
    });
    const env = { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl, QUEUE_PREFIX: schema };
    const api = start(API, { ...env, PORT: String(port) });
    const worker = start(WORKER, env);
    let redis: PrivateRedis | undefined;
    try {
      const notReady = await aliveButNotReady(base, ADMIN_KEY, 'Redis is down');
      expect(notReady).toMatchObject({ store: 'ok', detail: expect.stringMatching(/^redis: /) });
      expect(notReady.redis).not.toBe('ok');

      // As when Redis goes away while the API runs: stored in PostgreSQL and acknowledged.
      const during = await request(base, 'POST', '/v1/events', recentSignup('e-down', 'acct-down'));
      expect(during.status).toBe(202);
      expect(during.body).toEqual({ stored: 1, duplicates: 0 });

      // Still up a while later, trying again with one line per attempt that names what failed.
      await sleep(3_000);
      expect(api.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();
      const attempts = waitingLines(
        api.output.stderr,
        `api: waiting for Redis at ${redisUrl} (REDIS_URL): attempt `,
      );
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      // Each names what failed (on a busy machine not always ECONNREFUSED: a connect can time out).
      expect(attempts.filter((line) => !/ failed: \S.*; next in \d+ ms$/.test(line))).toEqual([]);
      expect(attempts.some((line) => line.includes('ECONNREFUSED'))).toBe(true);
      // One line per attempt and nothing else (no stack trace per failed connection).
      const wholeLines = api.output.stderr.slice(0, api.output.stderr.lastIndexOf('\n'));
      expect(wholeLines.split('\n').filter(Boolean).length).toBe(attempts.length);
      expect(
        waitingLines(worker.output.stderr, 'worker: waiting for Redis').length,
      ).toBeGreaterThan(0);
      expect((await request(base, 'GET', '/health/ready')).status).toBe(503);

      redis = await PrivateRedis.start(redisPort);
      const upAt = Date.now();
      const readyNow = await until('ready once Redis is up', READY_WITHIN_MS, async () => {
        const answer = await request(base, 'GET', '/health/ready');
        return answer.status === 200 && answer.body.status === 'ok' ? answer : undefined;
      });
      process.stdout.write(`ready ${Date.now() - upAt} ms after Redis came up\n`);
      expect(readyNow.body).toMatchObject({ store: 'ok', redis: 'ok' });
      expect(api.output.stderr).toMatch(
        new RegExp(
          `^api: Redis at ${redisUrl} \\(REDIS_URL\\) answers, after \\d+ failed attempts$`,
          'm',
        ),
      );
      expect(api.child.exitCode).toBeNull();

      const after = await request(base, 'POST', '/v1/events', recentSignup('e-up', 'acct-up'));
      expect(after.status).toBe(202);
      expect(after.body).toEqual({ stored: 1, duplicates: 0 });
      const store = new SqlEventStore(direct, schema);
      const downs = await store.readStream(accountStream('callrail', 'acct-down'));
      const ups = await store.readStream(accountStream('callrail', 'acct-up'));
      expect(downs.map((e) => e.type)).toEqual(['account.signed_up']);
      expect(ups.map((e) => e.type)).toEqual(['account.signed_up']);
      const [down, up] = [downs[0], ups[0]];

      // End to end: the worker, up with Redis, leads the program and applies both events.
      const applied = await until('both events applied', READY_WITHIN_MS, async () => {
        const answer = await request(base, 'GET', '/health/ready');
        const callrail = (answer.body.programs as { program: string; appliedUpTo?: string }[]).find(
          (p) => p.program === 'callrail',
        );
        return callrail?.appliedUpTo !== undefined &&
          BigInt(callrail.appliedUpTo) >= up.globalPosition
          ? callrail
          : undefined;
      });
      expect(applied).toMatchObject({ state: 'leading' });
      expect(down.globalPosition).toBeLessThan(up.globalPosition);
    } finally {
      await stopBuilt(api);
      await stopBuilt(worker);
      await direct.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await direct.close();
      await redis?.down();
    }
  }, 90_000);
});
