import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature } from '@referrals/rewards';
import {
  api,
  inTimeOrder,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const HISTORY = exampleHistory('kallyai-bonus-minutes');
const SECRET = 'whsec_e2e_0123456789';

describe('upstream is told of every paid reward', () => {
  it('POSTs each paid reward once, signed, to the program endpoint', async () => {
    const received: { signature: string; key: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({
          signature: String(req.headers[SIGNATURE_HEADER]),
          key: String(req.headers['idempotency-key']),
          body,
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const harness = await startTestEngine({
      WEBHOOKS: JSON.stringify({ kallyai: { url, secret: SECRET } }),
    });
    try {
      const { engine } = harness;
      expect(
        (await api(engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
      ).toBe(202);
      await untilIdle(engine);
      for (let i = 0; i < 100 && received.length < 4; i++)
        await new Promise((r) => setTimeout(r, 50));

      const rewards = [
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/alice/rewards')).body.rewards,
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/bob/rewards')).body.rewards,
        ...(await api(engine, 'GET', '/v1/programs/kallyai/accounts/carol/rewards')).body.rewards,
      ];
      expect(rewards).toHaveLength(4);
      expect(received.map((r) => r.key).sort()).toEqual(
        rewards.map((r) => `reward.paid-${r.rewardId}`).sort(),
      );
      for (const r of received) {
        expect(verifySignature(r.signature, SECRET, r.body, Math.floor(Date.now() / 1000))).toBe(
          true,
        );
        expect(JSON.parse(r.body)).toMatchObject({
          type: 'reward.paid',
          program: 'kallyai',
          data: { status: 'paid' },
        });
      }
      const metrics = await api(engine, 'GET', '/v1/admin/metrics');
      expect(metrics.body.queues.deliveries.completed).toBe(4);
      expect((await api(engine, 'GET', '/v1/admin/deliveries/dead')).body).toEqual({
        deliveries: [],
      });
    } finally {
      await harness.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
