import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { createReadModelSchema, ProjectionRunner } from '@referrals/projections';
import { createLedgerSchema } from '../ledger.schema';
import { RewardStreams } from '../reward/reward-streams';
import type { RewardFacts } from '../reward/reward.events';
import { WebhookOutboxProjection } from './webhook-outbox.projection';

const schema = `outbox_${process.pid}`;
const AT = '2026-05-01T10:00:00.000Z';
const LATER = '2026-05-03T10:00:00.000Z';

const facts = (rewardId: string): RewardFacts => ({
  rewardId,
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: 'x-corp',
  beneficiaryAccountId: 'agency-a',
  role: 'referrer',
  kind: 'account_credit',
  amount: 5000,
  unit: 'USD',
  earnedAt: '2026-04-01T00:00:00.000Z',
});

describe('the webhook outbox on PostgreSQL: voids and adjustments of announced rewards', () => {
  let stores: OpenStores;
  const s = quoteIdent(schema);
  const runner = (batchSize: number) =>
    new ProjectionRunner(
      stores.sql,
      schema,
      stores.store,
      new WebhookOutboxProjection(schema),
      batchSize,
    );
  const rows = () =>
    stores.sql.query<{ delivery_id: string; type: string; position: string; data: unknown }>(
      `SELECT delivery_id, type, position::text AS position, data FROM ${s}.webhook_outbox
       ORDER BY position, delivery_id`,
    );

  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await createLedgerSchema(stores.sql, schema);
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  it('owes each message once, folded an event at a time, then again from the start in one batch', async () => {
    const streams = new RewardStreams(stores.store);
    const paid = facts('rw_paid');
    const neverPaid = facts('rw_never_paid');
    const adjust = (reward: RewardFacts, amount: number, at: string) =>
      streams.handle(reward.rewardId, {
        type: 'Adjust',
        data: { earned: reward, amount, programVersion: 'v2', by: 'migrate-rules', at },
      });
    const ruleChangeVoid = (reward: RewardFacts) =>
      streams.handle(reward.rewardId, {
        type: 'Void',
        data: { rewardId: reward.rewardId, by: 'migrate-rules', reason: 'rule_change', at: LATER },
      });
    await streams.handle(paid.rewardId, { type: 'Pay', data: { reward: paid, at: AT } });
    await adjust(neverPaid, 7000, AT);
    await adjust(paid, 8000, LATER);
    await adjust(paid, 6000, '2026-05-04T10:00:00.000Z');
    await ruleChangeVoid(neverPaid);
    await ruleChangeVoid(paid);

    await runner(1).catchUp(); // each event in a batch of its own: announcements read back from the table
    const owed = await rows();
    expect(owed.map((r) => r.delivery_id)).toEqual([
      'reward.paid-rw_paid',
      'reward.adjusted-rw_paid-1',
      'reward.adjusted-rw_paid-2',
      'reward.voided-rw_paid',
    ]);
    expect(owed.map((r) => r.data)).toEqual([
      expect.objectContaining({ amount: 5000, status: 'paid' }),
      expect.objectContaining({ previousAmount: 5000, amount: 8000, difference: 3000 }),
      expect.objectContaining({ previousAmount: 8000, amount: 6000, difference: -2000 }),
      expect.objectContaining({ amount: 6000, status: 'voided', reason: 'rule_change' }),
    ]);

    // A rebuild: the checkpoint forgotten, the rows kept, every event folded again in one batch.
    await stores.sql.transaction((tx) => runner(1000).reset(tx));
    await runner(1000).catchUp();
    expect(await rows()).toEqual(owed);

    // A lost outbox folded from the start owes the same messages at the same positions.
    await stores.sql.query(`DELETE FROM ${s}.webhook_outbox`);
    await stores.sql.transaction((tx) => runner(1000).reset(tx));
    await runner(1000).catchUp();
    expect(await rows()).toEqual(owed);
  });
});
