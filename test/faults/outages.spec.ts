import { PgDatabase } from '@referrals/event-store';
import { chaosHistory } from './chaos/chaos-history';
import { auditMoney, describeAudit } from './chaos/money-audit';
import { api, startTestEngine } from '../support/engine-harness';
import { PgProxy } from '../support/pg-proxy';
import { PrivateRedis } from '../support/private-redis';
import { webhookReceiver } from '../support/webhook-receiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECRET = 'outage-test-secret-0123456789';

/**
 * The API and the worker in one process, PostgreSQL behind a proxy the test
 * cuts, a Redis of the test's own that it restarts empty: the process lives
 * through both, answers 503 while the store is away, and ends with every
 * event stored and every reward paid once.
 */
describe('PostgreSQL cut and restored, Redis restarted empty', () => {
  it('the API and the worker stay up, recover by themselves, and lose or double nothing', async () => {
    const proxy = await PgProxy.start();
    const redis = await PrivateRedis.start();
    const receiver = await webhookReceiver({ failFirst: 5 });
    const schema = `outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const hook = { url: receiver.url, secret: SECRET };
    const harness = await startTestEngine({
      EVENT_STORE: 'postgres',
      DATABASE_URL: proxy.url(),
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      SWEEP_INTERVAL: '1s',
      WEBHOOK_BACKOFF: '100ms',
      WEBHOOKS: JSON.stringify({ kallyai: hook, callrail: hook, smithai: hook }),
    });
    const direct = new PgDatabase('postgres://postgres@127.0.0.1:5432/postgres');
    const acknowledged = new Set<string>();
    const post = async (batch: { program: string; id: string }[]) => {
      for (;;) {
        const answer = await api(harness.engine, 'POST', '/v1/events', batch).catch(
          () => undefined,
        );
        if (answer?.status === 202) {
          for (const e of batch) acknowledged.add(`${e.program}\u0000${e.id}`);
          return;
        }
        await sleep(200);
      }
    };
    try {
      const events = chaosHistory(900);
      const half = Math.floor(events.length / 2);
      for (let i = 0; i < half; i += 100) await post(events.slice(i, Math.min(half, i + 100)));

      proxy.cut();
      await sleep(500);
      const during = await api(harness.engine, 'POST', '/v1/events', events.slice(half, half + 10));
      expect(during.status).not.toBe(202);
      expect(during.status).toBeGreaterThanOrEqual(500);
      const ready = await api(harness.engine, 'GET', '/health/ready', undefined, null);
      expect(ready.status).toBe(503);
      expect(ready.body.store).not.toBe('ok');
      await sleep(2_000);
      proxy.restore();

      for (let i = half; i < events.length; i += 100) await post(events.slice(i, i + 100));
      await redis.restart(); // every job, lease and timer gone
      for (let i = 0; i < 600; i++) {
        const ready = await api(harness.engine, 'GET', '/health/ready', undefined, null);
        if (ready.status === 200 && ready.body.status === 'ok') break;
        await sleep(100);
      }
      expect(
        (await api(harness.engine, 'GET', '/health/ready', undefined, null)).body,
      ).toMatchObject({ status: 'ok', store: 'ok', redis: 'ok' });

      let audit = await auditMoney(direct, schema, {
        acknowledged,
        webhooksDelivered: 0,
        now: Date.now(),
      });
      for (let i = 0; i < 240; i++) {
        const delivered = new Set(receiver.received.map((r) => r.key)).size;
        audit = await auditMoney(direct, schema, {
          acknowledged,
          webhooksDelivered: delivered,
          now: Date.now(),
        });
        if (
          audit.rewardsDecided === audit.rewardsDecidedByReplay &&
          audit.rewardsStuck === 0 &&
          audit.webhooksDelivered >= audit.webhooksOwed &&
          Object.values(audit.money).every((m) => m.ledger === m.replay)
        )
          break;
        await sleep(500);
      }
      process.stdout.write(`${describeAudit(audit)}\n`);
      expect(audit.eventsLost).toBe(0);
      expect(audit.eventsStored).toBe(events.length);
      expect(audit.rewardsDecidedByReplay).toBeGreaterThan(100);
      expect(audit.rewardsDecided).toBe(audit.rewardsDecidedByReplay);
      expect(audit.rewardsDecidedTwice).toBe(0);
      expect(audit.rewardsPaidTwice).toBe(0);
      expect(audit.rewardsStuck).toBe(0);
      for (const { ledger, replay } of Object.values(audit.money)) expect(ledger).toBe(replay);
    } finally {
      await harness.stop().catch(() => undefined);
      await direct.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await direct.close();
      await receiver.close();
      await redis.down();
      await proxy.close();
    }
  }, 180_000);
});
