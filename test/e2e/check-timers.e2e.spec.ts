import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { TIMER_QUEUE } from '@referrals/process-manager';
import {
  api,
  inTimeOrder,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const HISTORY = exampleHistory('smithai-third-month-cash');
const CHECK_AT = Date.parse('2026-04-01T00:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the third-month check on the timers queue', () => {
  it('waits as a delayed job until its due time, then decides the referral', async () => {
    let offset = 0;
    const prefix = `timers-e2e-${process.pid}-${Date.now()}`;
    const harness = await startTestEngine({ QUEUE_PREFIX: prefix }, () => Date.now() + offset);
    // Once it runs, the engine's clock is set to four seconds before the check is due.
    offset = CHECK_AT - 4_000 - Date.now();
    const redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const timers = new Queue(TIMER_QUEUE, { connection: redis, prefix });
    try {
      const { engine } = harness;
      const referrals = async () =>
        (await api(engine, 'GET', '/v1/programs/smithai/accounts/firm/referrals')).body.referrals;
      expect(
        (await api(engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
      ).toBe(202);
      await untilIdle(engine);

      const pending = await referrals();
      expect(pending.map((r: { status: string }) => r.status)).toEqual(['pending', 'pending']);
      expect(pending[0].nextCheckAt).toBe('2026-04-01T00:00:00.000Z');
      const [job] = await timers.getDelayed();
      expect(job?.id).toMatch(/^tm_/);
      expect(job.timestamp + job.delay + offset).toBeGreaterThanOrEqual(CHECK_AT - 50);
      expect(job.timestamp + job.delay + offset).toBeLessThanOrEqual(CHECK_AT + 50);

      // The job runs at the due time, wakes the manager, and is gone.
      for (
        let i = 0;
        i < 100 && (await timers.getJobCountByTypes('delayed', 'wait', 'active')) > 0;
        i++
      )
        await sleep(100);
      expect(await timers.getJobCountByTypes('delayed', 'wait', 'active', 'failed')).toBe(0);
      await untilIdle(engine);
      expect(Date.now() + offset).toBeGreaterThanOrEqual(CHECK_AT);
      const decided = await referrals();
      const byReferee = Object.fromEntries(
        decided.map((r: { refereeAccountId: string }) => [r.refereeAccountId, r]),
      );
      expect(byReferee.r1).toMatchObject({ status: 'rewarded' });
      expect(byReferee.r2).toMatchObject({ status: 'forfeited', reason: 'referee_not_active' });
      const cash = (await api(engine, 'GET', '/v1/programs/smithai/accounts/firm/rewards')).body
        .rewards;
      expect(cash).toEqual([
        expect.objectContaining({ kind: 'cash', amount: 100000, status: 'awaiting_approval' }),
      ]);
    } finally {
      await timers.close();
      await redis.quit();
      await harness.stop();
    }
  }, 60_000);
});
