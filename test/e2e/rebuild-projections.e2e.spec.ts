import { rebuildProjections } from '../../apps/cli/src/rebuild-projections';
import {
  api,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const HISTORY = exampleHistory('callrail-four-invoices');

describe('referrals rebuild-projections', () => {
  it('writes the same referrer views again from the event store after they were emptied', async () => {
    const settings = onPostgres();
    const harness = await startTestEngine(settings);
    const saved = { ...process.env };
    try {
      const { engine } = harness;
      expect(
        (await api(engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
      ).toBe(202);
      await untilIdle(engine);
      const path = '/v1/programs/callrail/accounts/agency-a/referrals';
      const before = await api(engine, 'GET', path);
      expect(before.body.referrals).toHaveLength(2);
      const rewardsPath = '/v1/programs/callrail/accounts/agency-a/rewards';
      const rewardsBefore = await api(engine, 'GET', rewardsPath);
      expect(rewardsBefore.body.rewards.map((r: { status: string }) => r.status)).toEqual(['paid']);

      // The views are lost; the process manager's checkpoint is not.
      const schema = settings.DATABASE_SCHEMA;
      await engine.runtime.db.query(`DELETE FROM "${schema}".referral_view`);
      await engine.runtime.db.query(`DELETE FROM "${schema}".reward_view`);
      expect((await api(engine, 'GET', path)).body.referrals).toEqual([]);

      Object.assign(process.env, settings);
      const summary = await rebuildProjections();
      expect(summary).toMatch(/15 events: 2 referrals, 2 rewards/);
      expect((await api(engine, 'GET', path)).body).toEqual(before.body);
      // Paid stays paid, with its time: the status comes from the reward's own stream.
      expect((await api(engine, 'GET', rewardsPath)).body).toEqual(rewardsBefore.body);
    } finally {
      process.env = saved;
      await harness.stop();
    }
  }, 60_000);
});
