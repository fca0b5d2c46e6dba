import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySignature } from '@referrals/rewards';
import { rebuildProjections } from '../../apps/cli/src/rebuild-projections';
import { runCli } from '../../apps/cli/src/testing/run-cli';
import callrail from '../../libs/domain/src/programs/builtin/callrail.json';
import {
  api,
  exampleHistory,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';
import { ReceivedWebhook, webhookReceiver } from '../support/webhook-receiver';

type ProgramFile = { triggers: { count: number; rewards: { amount: unknown }[] }[] };

const SECRET = 'whsec_migrate_0123456789';

/** CallRail's rules changed one way, written to a program file. */
function programFile(folder: string, name: string, change: (file: ProgramFile) => void): string {
  const file = JSON.parse(JSON.stringify(callrail)) as ProgramFile;
  change(file);
  const path = join(folder, `${name}.json`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

const doubled = (amount: unknown) =>
  JSON.parse(JSON.stringify(amount).replace(/\d+/g, (n) => String(Number(n) * 2))) as unknown;

/** Waits (30 s at most: the machine may be busy) until the receiver holds `count` deliveries. */
async function received(hook: { received: ReceivedWebhook[] }, count: number) {
  for (let i = 0; i < 600 && hook.received.length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

// Bodies are checked field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bodyOf = (r: ReceivedWebhook): any => JSON.parse(r.body);

describe('referrals migrate-rules tells upstream', () => {
  it('sends reward.adjusted and reward.voided, signed, for rewards upstream was told were paid, each once', async () => {
    const settings = onPostgres();
    const hook = await webhookReceiver();
    const harness = await startTestEngine({
      ...settings,
      WEBHOOKS: JSON.stringify({ callrail: { url: hook.url, secret: SECRET } }),
    });
    const folder = mkdtempSync(join(tmpdir(), 'migrate-rules-webhooks-'));
    const saved = { ...process.env };
    try {
      const { engine } = harness;
      const schema = settings.DATABASE_SCHEMA;
      const outbox = () =>
        engine.runtime.db.query<{ delivery_id: string; type: string; delivered: boolean }>(
          `SELECT delivery_id, type, delivered_at IS NOT NULL AS delivered
           FROM "${schema}".webhook_outbox ORDER BY position, delivery_id`,
        );
      const events = inTimeOrder(readEvents(exampleHistory('callrail-four-invoices')));
      expect((await api(engine, 'POST', '/v1/events', events)).status).toBe(202);
      await untilIdle(engine);
      await received(hook, 2);
      const paid = hook.received.map(bodyOf);
      expect(paid.map((b) => b.type)).toEqual(['reward.paid', 'reward.paid']);
      const amountOf = new Map<string, number>(paid.map((b) => [b.data.rewardId, b.data.amount]));
      Object.assign(process.env, settings);

      // Twice the credit: each paid reward is adjusted, and upstream hears the new amount.
      const richer = programFile(folder, 'richer', (f) =>
        f.triggers[0].rewards.forEach((r) => (r.amount = doubled(r.amount))),
      );
      const adjusted = await runCli(['migrate-rules', '--program-file', richer, '--apply']);
      expect(adjusted.stdout.match(/^adjust .*appended$/gm)).toHaveLength(2);
      // migrate-rules folds the outbox itself: the messages are owed before any worker runs.
      const owedAfterAdjust = await outbox();
      const adjustIds = [...amountOf.keys()].map((id) => `reward.adjusted-${id}-1`).sort();
      expect(
        owedAfterAdjust
          .filter((r) => r.type === 'reward.adjusted')
          .map((r) => r.delivery_id)
          .sort(),
      ).toEqual(adjustIds);

      await untilIdle(engine);
      await received(hook, 4);
      const adjustments = hook.received.slice(2).map(bodyOf);
      expect(adjustments.map((b) => b.id).sort()).toEqual(adjustIds);
      for (const b of adjustments) {
        const before = amountOf.get(b.data.rewardId)!;
        expect(b).toMatchObject({
          type: 'reward.adjusted',
          program: 'callrail',
          data: {
            status: 'paid',
            kind: 'account_credit',
            previousAmount: before,
            amount: before * 2,
            difference: before,
            reason: 'rule_change',
          },
        });
      }

      // Stricter rules: both rewards are no longer earned; upstream is told to take back the doubled credit.
      const stricter = programFile(folder, 'stricter', (f) => (f.triggers[0].count = 5));
      const voided = await runCli(['migrate-rules', '--program-file', stricter, '--apply']);
      expect(voided.stdout.match(/^void .*appended$/gm)).toHaveLength(2);
      await untilIdle(engine);
      await received(hook, 6);
      const voids = hook.received.slice(4).map(bodyOf);
      expect(voids.map((b) => b.id).sort()).toEqual(
        [...amountOf.keys()].map((id) => `reward.voided-${id}`).sort(),
      );
      for (const b of voids)
        expect(b).toMatchObject({
          type: 'reward.voided',
          program: 'callrail',
          data: {
            status: 'voided',
            amount: amountOf.get(b.data.rewardId)! * 2,
            reason: 'rule_change',
          },
        });

      for (const r of hook.received) {
        expect(r.key).toBe(bodyOf(r).id);
        expect(verifySignature(r.signature, SECRET, r.body, Math.floor(Date.now() / 1000))).toBe(
          true,
        );
      }
      const owed = await outbox();
      expect(owed).toHaveLength(6);
      expect(owed.every((r) => r.delivered)).toBe(true);

      // The outbox folded again from the start owes nothing new, and nothing goes out twice.
      await rebuildProjections();
      await untilIdle(engine);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await outbox()).toEqual(owed);
      expect(hook.received).toHaveLength(6);
      expect(new Set(hook.received.map((r) => r.key)).size).toBe(6);
    } finally {
      process.env = saved;
      rmSync(folder, { recursive: true, force: true });
      await harness.stop();
      await hook.close();
    }
  }, 120_000);
});
