import type { RewardView } from '@referrals/domain';
import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { createReadModelSchema, ProjectionRunner, ReadModelWriter } from '@referrals/projections';
import { createLedgerSchema } from '../ledger.schema';
import { holdOpen, untilWaiting } from '../testing/lock-waits';
import { RewardLifecycleProjection } from './reward-lifecycle.projection';

const schema = `reward_writers_${process.pid}`;
const s = quoteIdent(schema);

const earned = (rewardId: string): RewardView => ({
  rewardId,
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: `referee-${rewardId}`,
  beneficiaryAccountId: 'agency-a',
  role: 'referrer',
  kind: 'account_credit',
  amount: 5000,
  unit: 'USD',
  status: 'earned',
  earnedAt: '2026-05-01T10:10:00.000Z',
});

/**
 * Two writers insert new reward_view rows: the process manager (its views,
 * after it stored RewardEarned) and the lifecycle projection (folding that
 * RewardEarned). An insert of a key another open transaction has inserted
 * waits for it, so two writers that insert the same new rewards in different
 * orders wait for each other: PostgreSQL's "deadlock detected". Both write
 * in reward id order, whatever order they were given.
 */
describe('the writers of reward_view (PostgreSQL)', () => {
  let stores: OpenStores;

  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await createLedgerSchema(stores.sql, schema);
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  it('insert the same new rewards at once without a deadlock, whatever order each has them in', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => `rw_${i.toString(16).padStart(32, '0')}`);
    // RewardEarned in the store in ascending order: the order the projection folds them in.
    for (const id of ids) {
      const { status: _status, ...facts } = earned(id);
      await stores.store.appendToStream(`referral:callrail:${id}`, [
        {
          eventId: `earned-${id}`,
          type: 'RewardEarned',
          data: { ...facts, referralId: `callrail:${id}`, triggerId: 'four_invoices' },
        },
      ]);
    }
    // A third transaction holds the middle reward's key: both writers run up to it and wait there.
    const middle = ids[4];
    const gate = holdOpen(stores.sql, async (tx) => {
      await tx.query(
        `INSERT INTO ${s}.reward_view (reward_id, program, beneficiary_account_id, kind, unit,
           amount, status, earned_at, view)
         VALUES ($1, 'callrail', 'agency-a', 'account_credit', 'USD', 5000, 'earned', now(), '{}')`,
        [middle],
      );
    });
    await gate.held;

    const lifecycle = new ProjectionRunner(
      stores.sql,
      schema,
      stores.store,
      new RewardLifecycleProjection(schema),
    );
    const views = new ReadModelWriter(stores.sql, schema);
    const results = Promise.allSettled([
      lifecycle.catchUp(),
      // The process manager has its views in the order its referees were touched: here the reverse.
      views.write({
        referrals: [],
        rewards: [...ids].reverse().map(earned),
        checkpoint: { name: 'referral-process-manager:callrail', position: 0n },
      }),
    ]);
    await untilWaiting(stores.sql, `${s}.reward_view`, 2);
    gate.release();
    await gate.done;

    const settled = await results;
    expect(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'fulfilled',
      'fulfilled',
    ]);
    const rows = await stores.sql.query<{ reward_id: string; status: string }>(
      `SELECT reward_id, status FROM ${s}.reward_view ORDER BY reward_id`,
    );
    expect(rows).toEqual(ids.map((reward_id) => ({ reward_id, status: 'earned' })));
  });
});
