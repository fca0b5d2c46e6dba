import {
  adminRequest,
  BUILT_API as API,
  BUILT_WORKER as WORKER,
  BuiltProcesses,
  exitWithin,
  linesOf,
  recentSignup,
  until,
} from '../support/built-process';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'redis-rotated-test-admin-key';
const OLD = 'old-secret';
const NEW = 'new-secret';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Redis's password rotated while the engine runs, its connections then
 * dropped: every reconnection is refused (WRONGPASS). The API keeps serving
 * (PostgreSQL is the truth) and says it once, readiness naming it, until
 * Redis accepts the credentials again; the worker ends as its start-up
 * would (exit 1, one line), for its supervisor to restart it.
 */
describe('Redis refusing the credentials after the engine connected (a rotated password)', () => {
  let redis: PrivateRedis;
  const processes = new BuiltProcesses('redisrotated', () => ({
    ADMIN_API_KEY: ADMIN_KEY,
    REDIS_URL: redis.urlWith(OLD),
  }));
  const start = (main: string, env: Record<string, string> = {}) => processes.start(main, env);

  beforeEach(async () => {
    redis = await PrivateRedis.start(undefined, { password: OLD });
  });
  afterEach(async () => {
    await processes.stopAll();
    await redis.down();
  });
  afterAll(() => processes.dropAll());

  // RUN_WORKER=true: the worker beside the API, whose queue connections are refused too.
  it.each(['false', 'true'])(
    'the API (RUN_WORKER=%s): one line, readiness 503 naming the refusal, events still stored; once the password is back, one line and ready',
    async (runWorker) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const request = (method: string, path: string, body?: unknown) =>
        adminRequest(base, ADMIN_KEY, method, path, body);
      const api = start(API, { PORT: String(port), RUN_WORKER: runWorker });
      await until('the API ready', 20_000, async () => {
        const answer = await request('GET', '/health/ready');
        return answer.status === 200 && answer.body.redis === 'ok' ? answer : undefined;
      });
      const refusedLine = new RegExp(
        `^api: REDIS_URL: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials \\(WRONGPASS invalid username-password pair.*\\); set the user and password it expects in REDIS_URL; trying again meanwhile, not ready until then$`,
      );
      const answersAgain = `api: Redis at redis://:***@127.0.0.1:${redis.port} (REDIS_URL) answers again: it accepts the credentials`;
      expect(linesOf(api.output.stderr).filter((line) => refusedLine.test(line))).toEqual([]);

      const refusedBefore = await redis.refusedAuths(OLD);
      await redis.rotatePassword(OLD, NEW);
      const notReady = await until('readiness naming the refusal', 10_000, async () => {
        const answer = await request('GET', '/health/ready');
        // Until the first refused attempt it is `not connected (…)`, as for any drop.
        return answer.status === 503 && /^credentials refused/.test(answer.body.redis)
          ? answer
          : undefined;
      });
      expect(notReady.type).toBe('application/problem+json');
      expect(notReady.body).toMatchObject({
        type: 'urn:referrals:problem:not-ready',
        store: 'ok',
        redis: expect.stringMatching(/^credentials refused: WRONGPASS /),
        detail: expect.stringMatching(/^redis: credentials refused: WRONGPASS /),
      });

      // PostgreSQL is the truth: events are stored and acknowledged meanwhile.
      const during = await request('POST', '/v1/events', recentSignup('e-rotated', 'acct-rotated'));
      expect(during.status).toBe(202);
      expect(during.body).toEqual({ stored: 1, duplicates: 0 });

      // A few seconds of attempts, every one refused, and a single line for them all.
      await sleep(3_000);
      expect((await redis.refusedAuths(NEW)) - refusedBefore).toBeGreaterThanOrEqual(3);
      expect(linesOf(api.output.stderr).filter((line) => refusedLine.test(line))).toHaveLength(1);
      // Nothing else says it: no ioredis warning, no log line per refused attempt.
      expect(api.output.stderr).not.toContain('[ioredis]');
      expect(api.output.stdout).not.toContain('WRONGPASS');
      expect((await request('GET', '/health/ready')).status).toBe(503);
      expect(api.child.exitCode).toBeNull();

      // The password put back: the next attempt (at most 5 s later) is accepted.
      await redis.command(NEW, 'CONFIG', 'SET', 'requirepass', OLD);
      const ready = await until('ready again', 15_000, async () => {
        const answer = await request('GET', '/health/ready');
        return answer.status === 200 ? answer : undefined;
      });
      expect(ready.body).toMatchObject({ store: 'ok', redis: 'ok' });
      expect(linesOf(api.output.stderr).filter((line) => line === answersAgain)).toHaveLength(1);
      expect(linesOf(api.output.stderr).filter((line) => refusedLine.test(line))).toHaveLength(1);
      expect(api.output.stderr + api.output.stdout).not.toMatch(new RegExp(`${OLD}|${NEW}`));
    },
    60_000,
  );

  it('the worker: a refused reconnection ends it, one line naming REDIS_URL without the password, exit 1; restarted, it refuses at once', async () => {
    const worker = start(WORKER);
    await until('the worker running', 20_000, async () =>
      worker.output.stdout.includes('referral worker running') ? true : undefined,
    );
    const before = linesOf(worker.output.stderr).length;

    await redis.rotatePassword(OLD, NEW);
    expect(await exitWithin(worker, 15_000)).toEqual({ code: 1, signal: null });
    expect(linesOf(worker.output.stderr).slice(before)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^worker failed: REDIS_URL: Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} refused the credentials \\(WRONGPASS invalid username-password pair.*\\); set the user and password it expects in REDIS_URL$`,
        ),
      ),
    ]);
    expect(worker.output.stderr + worker.output.stdout).not.toMatch(new RegExp(`${OLD}|${NEW}`));

    // Its supervisor's restart: refused at start-up, fast, as ever (test/faults/redis-auth-start).
    const restarted = start(WORKER);
    expect(await exitWithin(restarted, 15_000)).toEqual({ code: 1, signal: null });
    expect(linesOf(restarted.output.stderr)).toEqual([
      expect.stringMatching(/^worker failed to start: REDIS_URL: Redis at redis:\/\/:\*\*\*@/),
    ]);
  }, 60_000);
});
