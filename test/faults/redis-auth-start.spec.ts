import {
  adminRequest,
  BUILT_API as API,
  BUILT_WORKER as WORKER,
  BuiltProcess,
  BuiltProcesses,
  exitWithin,
  linesOf,
  until,
} from '../support/built-process';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'redis-auth-test-admin-key';
const PASSWORD = 'secret';
const WRONG = 'not-the-password';
/** A refused password is known in milliseconds; the exit must not wait for anything. */
const EXIT_WITHIN_MS = 15_000;

/**
 * A wrong Redis password (or ACL user, or none where one is required) is a
 * configuration error, not an outage: the API and the worker say so in one
 * line naming REDIS_URL, its password hidden, and exit 1, instead of waiting
 * for ever as for a Redis that is down (test/faults/api-start-without-redis).
 * With the right password, the same Redis serves them.
 */
describe('the API and the worker against a Redis that requires a password', () => {
  let redis: PrivateRedis;
  const processes = new BuiltProcesses('redisauth', () => ({ ADMIN_API_KEY: ADMIN_KEY }));
  /** A built process on a schema and queues of its own (`env` may name another pair's schema). */
  const start = (main: string, redisUrl: string, env: Record<string, string> = {}) =>
    processes.start(main, { REDIS_URL: redisUrl, ...env });

  /** Its end, within EXIT_WITHIN_MS (still running then: the test fails, naming what it said). */
  const exitOf = (built: BuiltProcess) => exitWithin(built, EXIT_WITHIN_MS);

  beforeAll(async () => {
    redis = await PrivateRedis.start(undefined, { password: PASSWORD });
  });
  afterEach(() => processes.stopAll());
  afterAll(async () => {
    await processes.dropAll();
    await redis.down();
  });

  it('the API: a wrong password ends start-up, one line naming REDIS_URL without the password, exit 1', async () => {
    const api = start(API, redis.urlWith(WRONG), { PORT: String(await freePort()) });
    expect(await exitOf(api)).toEqual({ code: 1, signal: null });
    const lines = linesOf(api.output.stderr);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^referral engine failed to start: REDIS_URL: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials \\(WRONGPASS invalid username-password pair.*\\); set the user and password it expects in REDIS_URL$`,
        ),
      ),
    ]);
    expect(api.output.stderr + api.output.stdout).not.toContain(WRONG);
  }, 30_000);

  it('the API: no password where one is required (NOAUTH) is refused the same way', async () => {
    const api = start(API, redis.urlWith(undefined), { PORT: String(await freePort()) });
    expect(await exitOf(api)).toEqual({ code: 1, signal: null });
    expect(linesOf(api.output.stderr)).toEqual([
      expect.stringMatching(
        /^referral engine failed to start: REDIS_URL: Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials \(NOAUTH /,
      ),
    ]);
  }, 30_000);

  it('the worker: a wrong ACL user and password end start-up the same way, exit 1', async () => {
    const url = `redis://nobody:${WRONG}@127.0.0.1:${redis.port}`;
    const worker = start(WORKER, url);
    expect(await exitOf(worker)).toEqual({ code: 1, signal: null });
    expect(linesOf(worker.output.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^worker failed to start: REDIS_URL: Redis at redis://nobody:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials \\(WRONGPASS `,
        ),
      ),
    ]);
    expect(worker.output.stderr).not.toContain(WRONG);
  }, 30_000);

  it('the API: a Redis down at start that comes up refusing the password stops it the same way', async () => {
    const port = await freePort();
    const later = await freePort();
    const api = start(API, `redis://:${WRONG}@127.0.0.1:${later}`, { PORT: String(port) });
    let late: PrivateRedis | undefined;
    try {
      // Down: waited for, as ever (one line per attempt), the API serving meanwhile.
      await until('the API alive', 15_000, async () => {
        const answer = await adminRequest(
          `http://127.0.0.1:${port}`,
          ADMIN_KEY,
          'GET',
          '/health/live',
        );
        return answer.status === 200 ? answer : undefined;
      });
      expect(api.output.stderr).toMatch(/waiting for Redis .*ECONNREFUSED/);
      late = await PrivateRedis.start(later, { password: PASSWORD });
      expect(await exitOf(api)).toEqual({ code: 1, signal: null });
      const lines = linesOf(api.output.stderr);
      expect(lines.filter((line) => !line.startsWith('api: waiting for Redis '))).toEqual([
        expect.stringMatching(
          /^referral engine failed to start: REDIS_URL: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials \(WRONGPASS /,
        ),
      ]);
      expect(api.output.stderr).not.toContain(WRONG);
    } finally {
      await late?.down();
    }
  }, 60_000);

  it('with the right password, the API turns ready and the worker runs', async () => {
    const port = await freePort();
    const schema = processes.newSchema();
    const api = start(API, redis.url, { PORT: String(port), DATABASE_SCHEMA: schema });
    const worker = start(WORKER, redis.url, { DATABASE_SCHEMA: schema });
    const ready = await until('the API ready', 20_000, async () => {
      const answer = await adminRequest(
        `http://127.0.0.1:${port}`,
        ADMIN_KEY,
        'GET',
        '/health/ready',
      );
      // `ok` once the worker leads the programs (it too reached Redis); `degraded` before.
      return answer.status === 200 && answer.body.status === 'ok' ? answer : undefined;
    });
    expect(ready.body).toMatchObject({ store: 'ok', redis: 'ok' });
    await until('the worker running', 20_000, async () =>
      worker.output.stdout.includes('referral worker running') ? true : undefined,
    );
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 60_000);
});
