import { AddressInfo, createServer, Socket } from 'node:net';
import { PgDatabase, quoteIdent, SqlEventStore } from '@referrals/event-store';
import { accountStream } from '@referrals/ingestion';
import {
  adminRequest,
  aliveButNotReady,
  BUILT_API,
  recentSignup,
  startBuilt,
  stopBuilt,
  until,
} from '../support/built-process';
import { PgProxy } from '../support/pg-proxy';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'start-test-admin-key';
const PROBLEM = 'application/problem+json';
/** From PostgreSQL back to ready: the longest pause between attempts (5 s), the migrations, the engine's start. */
const READY_WITHIN_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built API as deployed (RUN_WORKER=false), its output kept for the assertions. */
const startApi = (env: Record<string, string>) =>
  startBuilt(BUILT_API, { ADMIN_API_KEY: ADMIN_KEY, ...env });

const request = (base: string, method: string, path: string, body?: unknown) =>
  adminRequest(base, ADMIN_KEY, method, path, body);

/**
 * Operators start things in any order: an API started while PostgreSQL
 * cannot be reached listens anyway, is alive and not ready, refuses events
 * with 503 and Retry-After (acknowledging nothing), tries the store again
 * with backoff, one line per attempt, and turns ready by itself once
 * PostgreSQL answers, with no restart.
 */
describe('the API started while PostgreSQL is unreachable', () => {
  it('listens, alive and not ready, answers 503 to events, and turns ready by itself once PostgreSQL is back', async () => {
    const proxy = await PgProxy.start();
    proxy.cut();
    const redis = await PrivateRedis.start();
    const schema = `nopg_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const direct = new PgDatabase('postgres://postgres@127.0.0.1:5432/postgres', {
      onError: () => undefined,
    });
    const api = startApi({
      DATABASE_URL: proxy.url(),
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: schema,
      PORT: String(port),
    });
    try {
      const notReady = await aliveButNotReady(base, ADMIN_KEY, 'PostgreSQL is cut');
      expect(notReady.store).not.toBe('ok');

      const refused = await request(base, 'POST', '/v1/events', recentSignup('e-cut', 'acct-cut'));
      expect(refused.status).toBe(503);
      expect(refused.type).toBe(PROBLEM);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({
        type: 'urn:referrals:problem:store-unavailable',
        status: 503,
      });

      // Still up a while later, trying again with one line per attempt that names what failed.
      await sleep(3_000);
      expect(api.child.exitCode).toBeNull();
      const attempts = api.output.stderr
        .split('\n')
        .filter((line) =>
          line.startsWith(`api: waiting for PostgreSQL at ${proxy.url()} (DATABASE_URL): attempt `),
        );
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(attempts.every((line) => / failed: .+; next in \d+ ms$/.test(line))).toBe(true);
      expect((await request(base, 'GET', '/health/ready')).status).toBe(503);

      proxy.restore();
      const restoredAt = Date.now();
      const readyNow = await until('ready once PostgreSQL is back', READY_WITHIN_MS, async () => {
        const answer = await request(base, 'GET', '/health/ready');
        return answer.status === 200 ? answer : undefined;
      });
      process.stdout.write(`ready ${Date.now() - restoredAt} ms after PostgreSQL came back\n`);
      expect(readyNow.body).toMatchObject({ store: 'ok', redis: 'ok' });
      expect(api.child.exitCode).toBeNull();

      const accepted = await request(
        base,
        'POST',
        '/v1/events',
        recentSignup('e-back', 'acct-back'),
      );
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ stored: 1, duplicates: 0 });
      const store = new SqlEventStore(direct, schema);
      expect(await store.readStream(accountStream('callrail', 'acct-back'))).toHaveLength(1);
      // What was refused while the store was away was never stored.
      expect(await store.readStream(accountStream('callrail', 'acct-cut'))).toHaveLength(0);
    } finally {
      await stopBuilt(api);
      await direct.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await direct.close();
      await redis.down();
      await proxy.close();
    }
  }, 90_000);

  it('answers on its port while a PostgreSQL that never answers holds its first attempt', async () => {
    // Accepts connections and says nothing, as a host whose packets are dropped: pg waits out its connect timeout (10 s).
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const redis = await PrivateRedis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = startApi({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/postgres`,
      DATABASE_SCHEMA: `silent_${process.pid}`,
      REDIS_URL: redis.url,
      PORT: String(port),
    });
    try {
      await until('alive while the first attempt hangs', 15_000, async () =>
        (await request(base, 'GET', '/health/live')).status === 200 ? true : undefined,
      );
      // Listening came from the grace period, not from a failed attempt.
      expect(api.output.stderr).not.toContain('attempt 1 failed');
      const ready = await request(base, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        type: 'urn:referrals:problem:not-ready',
        store: 'opening',
      });
    } finally {
      await stopBuilt(api);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      await redis.down();
    }
  }, 60_000);

  it('still exits at once, in one line naming DATABASE_URL, on a failure waiting cannot fix', async () => {
    const redis = await PrivateRedis.start();
    const api = startApi({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:5432/postgres',
      DATABASE_SCHEMA: `nobody_${process.pid}`,
      REDIS_URL: redis.url,
      PORT: String(await freePort()),
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        api.exited.then((end) => end.code),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 30_000))),
      ]).finally(() => clearTimeout(timer));
      expect(code).toBe(1);
      expect(api.output.stderr).toBe(
        'referral engine failed to start: DATABASE_URL: cannot use PostgreSQL at postgres://nobody@127.0.0.1:5432/postgres: role "nobody" does not exist\n',
      );
    } finally {
      await stopBuilt(api);
      await redis.down();
    }
  }, 60_000);
});
