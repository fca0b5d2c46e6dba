import { verifySignature } from '@referrals/rewards';
import {
  api,
  inTimeOrder,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';
import { webhookReceiver } from '../support/webhook-receiver';

const HISTORY = exampleHistory('kallyai-bonus-minutes');
const SECRET = 'whsec_e2e_0123456789';

describe('upstream is told of every paid reward', () => {
  it('POSTs each paid reward once, signed, to the program endpoint', async () => {
    const hook = await webhookReceiver();
    const { received, url } = hook;
    const harness = await startTestEngine({
      WEBHOOKS: JSON.stringify({ kallyai: { url, secret: SECRET } }),
    });
    try {
      const { engine } = harness;
      expect(
        (await api(engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
      ).toBe(202);
      await untilIdle(engine);
      await hook.awaitCount(8);

      const rewards = [
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/alice/rewards')).body.rewards,
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/bob/rewards')).body.rewards,
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/carol/rewards')).body.rewards,
      ];
      expect(rewards).toHaveLength(4);
      // Each paid once; the minutes, earned in January, lapse at once (an expiry each).
      expect(received.map((r) => r.key).sort()).toEqual(
        rewards
          .flatMap((r) => [`reward.paid-${r.rewardId}`, `reward.expired-${r.rewardId}`])
          .sort(),
      );
      for (const r of received) {
        expect(verifySignature(r.signature, SECRET, r.body, Math.floor(Date.now() / 1000))).toBe(
          true,
        );
        expect(JSON.parse(r.body)).toMatchObject({
          type: r.key.startsWith('reward.paid') ? 'reward.paid' : 'reward.expired',
          program: 'kallyai',
          data: { status: 'paid', kind: 'bonus_minutes' },
        });
      }
      const metrics = await api(engine, 'GET', '/v1/admin/metrics');
      expect(metrics.body.queues.deliveries.completed).toBe(8);
      // Done payouts leave the queue at once; the workers' metrics count them.
      expect(metrics.body.queues.payouts.completedTotal).toBeGreaterThanOrEqual(4);
      expect(metrics.body.queues.payouts.waiting).toBe(0);
      expect((await api(engine, 'GET', '/v1/admin/deliveries/dead')).body).toEqual({
        deliveries: [],
      });
    } finally {
      await harness.stop();
      await hook.close();
    }
  }, 60_000);
});
