import { failpoints, quoteIdent } from '@referrals/event-store';
import {
  api,
  exampleHistory,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
} from '../support/engine-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The process manager stores `RewardEarned`, then queues the payout job. A
 * process that dies between the two leaves a reward no job will pay: the
 * sweep must find it from the events and pay it, once.
 */
describe('a reward decided whose payout job was never queued', () => {
  afterEach(() => failpoints.reset());

  it('is paid by the sweep, once', async () => {
    const settings = { ...onPostgres(), SWEEP_INTERVAL: '500ms' };
    const harness = await startTestEngine(settings);
    try {
      failpoints.arm('pm.before-enqueue', 'throw', 1_000); // no payout job is ever queued by it
      const { engine } = harness;
      const events = inTimeOrder(readEvents(exampleHistory('callrail-four-invoices')));
      expect((await api(engine, 'POST', '/v1/events', events)).status).toBe(202);
      const path = '/v1/programs/callrail/accounts/agency-a/rewards';
      let rewards: { status: string }[] = [];
      for (let i = 0; i < 300; i++) {
        rewards = (await api(engine, 'GET', path)).body.rewards ?? [];
        if (rewards.length > 0 && rewards.every((r) => r.status === 'paid')) break;
        await sleep(100);
      }
      expect(failpoints.passes('pm.before-enqueue')).toBeGreaterThan(0);
      expect(rewards.length).toBeGreaterThan(0);
      expect(rewards.map((r) => r.status)).toEqual(rewards.map(() => 'paid'));
      const twice = await engine.runtime.db.query(
        `SELECT data->>'rewardId' FROM ${quoteIdent(settings.DATABASE_SCHEMA)}.events
         WHERE type = 'RewardPaid' GROUP BY 1 HAVING count(*) > 1`,
      );
      expect(twice).toEqual([]);
    } finally {
      await harness.stop();
    }
  }, 90_000);
});
