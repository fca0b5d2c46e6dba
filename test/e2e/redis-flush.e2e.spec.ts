import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { PAYOUT_QUEUE } from '@referrals/rewards';
import {
  api,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes every key of this engine's prefix, as a Redis that lost its data would have none. */
async function flush(redis: IORedis, prefix: string) {
  for (const key of await redis.keys(`${prefix}:*`)) await redis.del(key);
}

describe('when Redis loses every job mid-run', () => {
  it('pays every reward the replay earns once all the same, found again from the events', async () => {
    const prefix = `flush-${process.pid}-${Date.now()}`;
    const harness = await startTestEngine({
      ...onPostgres(),
      QUEUE_PREFIX: prefix,
      SWEEP_INTERVAL: '10m', // only noticing the loss can explain a quick recovery
    });
    const redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const payouts = new Queue(PAYOUT_QUEUE, { connection: redis, prefix });
    try {
      const { engine } = harness;
      const events = inTimeOrder([
        ...readEvents(exampleHistory('callrail-four-invoices')),
        ...readEvents(exampleHistory('smithai-third-month-cash')),
      ]);
      // The rewards are decided and their jobs queued, but no worker may take them yet.
      await payouts.pause();
      expect((await api(engine, 'POST', '/v1/events', events)).status).toBe(202);
      await engine.worker?.leaders.settle();
      await sleep(1_000);
      expect(await payouts.getJobCountByTypes('wait')).toBeGreaterThan(0);
      await flush(redis, prefix); // the jobs, the pause, the timers and the leases: all gone
      // (Counting jobs here would race the sweep, which re-queues the unpaid rewards at once.)
      expect(await payouts.isPaused()).toBe(false);

      await untilIdle(engine);
      const expected = new ReferralEngine(ProgramRegistry.withBuiltins());
      for (const event of events) expected.apply(event);
      expected.advanceTo(Date.now());
      const rewards = expected.rewardViews();
      expect(rewards).toHaveLength(4);
      for (const reward of rewards) {
        const live = await api(
          engine,
          'GET',
          `/v1/programs/${reward.program}/accounts/${reward.beneficiaryAccountId}/rewards`,
        );
        const got = live.body.rewards.find(
          (r: { rewardId: string }) => r.rewardId === reward.rewardId,
        );
        expect(got?.status).toBe(reward.kind === 'cash' ? 'awaiting_approval' : 'paid');
      }
      const ledger = await engine.runtime.db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM "${engine.runtime.schema}".reward_ledger`,
      );
      expect(Number(ledger[0].n)).toBe(rewards.length); // one entry each, never two
    } finally {
      await payouts.close();
      await redis.quit();
      await harness.stop();
    }
  }, 60_000);
});
