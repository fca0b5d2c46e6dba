import { randomUUID } from 'node:crypto';
import type { ReferralView, RewardView } from '@referrals/domain';
import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { ReadModelQueries } from './read-model.queries';
import { createReadModelSchema } from './read-model.schema';
import { ReadModelWriter, StaleProjectionError } from './read-model.writer';

const schema = `read_model_writer_${process.pid}`;

const referral = (referrer: string, overrides: Partial<ReferralView> = {}): ReferralView => ({
  program: 'callrail',
  referrerAccountId: referrer,
  refereeAccountId: 'x-corp',
  status: 'pending',
  signedUpAt: '2026-05-01T10:00:00.000Z',
  successfulPayments: 0,
  rewards: [],
  ...overrides,
});

const reward = (beneficiary: string, overrides: Partial<RewardView> = {}): RewardView => ({
  rewardId: `rw_${randomUUID()}`,
  program: 'callrail',
  referrerAccountId: beneficiary,
  refereeAccountId: 'x-corp',
  beneficiaryAccountId: beneficiary,
  role: 'referrer',
  kind: 'account_credit',
  amount: 5000,
  unit: 'USD',
  status: 'earned',
  earnedAt: '2026-05-01T10:10:00.000Z',
  ...overrides,
});

describe('writing the read models (PostgreSQL)', () => {
  let stores: OpenStores;
  let writer: ReadModelWriter;
  let queries: ReadModelQueries;
  // Each test its own projection and referrer, so none sees another's rows.
  let projection: string;
  let referrer: string;
  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', schema });
    await createReadModelSchema(stores.sql, schema);
    writer = new ReadModelWriter(stores.sql, schema);
    queries = new ReadModelQueries(stores.sql, schema);
  });
  beforeEach(() => {
    projection = `projection-${randomUUID()}`;
    referrer = `agency-${randomUUID()}`;
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await stores.sql.close();
  });

  const at = (position: bigint) => ({ name: projection, position });

  describe('when the projection moves on', () => {
    it('stores each later position', async () => {
      await writer.write({ referrals: [], rewards: [], checkpoint: at(10n) });
      expect(await writer.checkpoint(projection)).toBe(10n);
      await writer.write({ referrals: [], rewards: [], checkpoint: at(12n) });
      expect(await writer.checkpoint(projection)).toBe(12n);
    });

    it('accepts the same position again, with its views', async () => {
      await writer.write({ referrals: [], rewards: [], checkpoint: at(12n) });
      await writer.write({ referrals: [referral(referrer)], rewards: [], checkpoint: at(12n) });
      expect(await writer.checkpoint(projection)).toBe(12n);
      expect(await queries.referralsOf('callrail', referrer)).toHaveLength(1);
    });
  });

  describe('when a writer brings changes from behind the stored checkpoint', () => {
    it('throws StaleProjectionError and writes none of its views', async () => {
      await writer.write({ referrals: [], rewards: [], checkpoint: at(12n) });

      const stale = writer.write({
        referrals: [referral(referrer)],
        rewards: [reward(referrer)],
        checkpoint: at(11n),
      });

      await expect(stale).rejects.toThrow(StaleProjectionError);
      await expect(stale).rejects.toMatchObject({ projection, position: 11n });
      expect(await queries.referralsOf('callrail', referrer)).toEqual([]);
      expect(await queries.rewardsOf('callrail', referrer)).toEqual([]);
      expect(await writer.checkpoint(projection)).toBe(12n);
    });

    it('leaves the newer views as they were', async () => {
      const newer = referral(referrer, { status: 'rewarded', successfulPayments: 1 });
      await writer.write({ referrals: [newer], rewards: [], checkpoint: at(12n) });

      // A leader that lost its lease and does not know yet, with what it saw at 10.
      await expect(
        writer.write({ referrals: [referral(referrer)], rewards: [], checkpoint: at(10n) }),
      ).rejects.toThrow(StaleProjectionError);

      expect(await queries.referralsOf('callrail', referrer)).toEqual([newer]);
    });
  });

  describe('replaceViews', () => {
    it('puts the given views in place of all the current ones and keeps the checkpoints', async () => {
      const other = `agency-${randomUUID()}`;
      await writer.write({
        referrals: [referral(referrer)],
        rewards: [reward(referrer)],
        checkpoint: at(7n),
      });

      const rebuilt = referral(other, { refereeAccountId: 'y-corp' });
      const rebuiltReward = reward(other);
      await writer.replaceViews([rebuilt], [rebuiltReward]);

      expect(await queries.referralsOf('callrail', referrer)).toEqual([]);
      expect(await queries.rewardsOf('callrail', referrer)).toEqual([]);
      expect(await queries.referralsOf('callrail', other)).toEqual([rebuilt]);
      expect(await queries.rewardsOf('callrail', other)).toEqual([rebuiltReward]);
      expect((await queries.summary('callrail')).referrals.total).toBe(1);
      expect(await writer.checkpoint(projection)).toBe(7n);
    });
  });
});
