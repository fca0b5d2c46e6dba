import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import type { PayoutQueue, WebhookOutbox } from '@referrals/rewards';
import type { ProcessManagerHost } from './process-manager.host';
import type { RewardProjections } from './reward-projections';
import { RewardSweep } from './reward-sweep';
import type { Runtime, WorkerSettings } from './worker.tokens';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sweep over real Redis, its PostgreSQL side counted instead of run: what is checked here
 * is when it sweeps (the sweep itself is the end-to-end suites' business).
 */
describe('the reward sweep, on real Redis', () => {
  let redis: IORedis;
  let prefix: string;
  let sweeps: number;
  let failNext: number;
  let errors: unknown[];
  let sweep: RewardSweep;

  beforeAll(() => {
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  afterAll(() => redis.quit());

  beforeEach(async () => {
    prefix = `sweep-${randomUUID()}`;
    sweeps = 0;
    failNext = 0;
    errors = [];
    const payouts = {
      sweep: async () => {
        sweeps++;
        if (failNext > 0) {
          failNext--;
          throw new Error('PostgreSQL is away');
        }
        return 0;
      },
    } as unknown as PayoutQueue;
    const settings = {
      config: { QUEUE_PREFIX: prefix },
      clock: Date.now,
      onError: (error: unknown) => errors.push(error),
      sweepMs: 10 * 60_000, // only the watch can explain a sweep within the test
    } as unknown as WorkerSettings;
    const runtime = { payout: { expireDue: async () => [] } } as unknown as Runtime;
    sweep = new RewardSweep(
      runtime,
      settings,
      payouts,
      { rescheduleTimers: async () => undefined } as unknown as ProcessManagerHost,
      { poke: async () => undefined } as unknown as RewardProjections,
      { redrive: async () => undefined } as unknown as WebhookOutbox,
      redis,
    );
    await sweep.onApplicationBootstrap();
  });
  afterEach(async () => {
    await sweep.onModuleDestroy();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it('sweeps once at start-up, then not again while Redis keeps what it was given', async () => {
    expect(sweeps).toBe(1);
    await sleep(2_500);
    expect(sweeps).toBe(1);
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(1);
  });

  it('sweeps at once when Redis has lost its data, long before the next sweep is due', async () => {
    await sleep(200);
    for (const key of await redis.keys(`${prefix}:*`)) await redis.del(key);
    for (let i = 0; i < 50 && sweeps < 2; i++) await sleep(100);
    expect(sweeps).toBe(2);
    // The key is back: one loss, one sweep.
    await sleep(1_500);
    expect(sweeps).toBe(2);
  });

  it('tries a failed sweep again a few seconds later, not at its next interval', async () => {
    failNext = 1;
    await sweep.sweep();
    expect(errors).toHaveLength(1);
    const failedAt = Date.now();
    for (let i = 0; i < 100 && sweeps < 3; i++) await sleep(100);
    expect(sweeps).toBe(3);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(4_900);
    // It succeeded: no more tries.
    await sleep(1_500);
    expect(sweeps).toBe(3);
  });
});
