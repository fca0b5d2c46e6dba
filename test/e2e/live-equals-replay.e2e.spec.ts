import { createReadStream } from 'node:fs';
import { ProgramRegistry } from '@referrals/domain';
import { readHistory } from '../../apps/cli/src/replay/read-history';
import { replay } from '../../apps/cli/src/replay/replay';
import {
  api,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const SCENARIOS = [
  'kallyai-bonus-minutes',
  'kallyai-billing-cycle-expiry',
  'callrail-four-invoices',
  'smithai-third-month-cash',
  'smithai-holiday-due-date',
];

const byReferee = (a: { refereeAccountId: string }, b: { refereeAccountId: string }) =>
  a.refereeAccountId.localeCompare(b.refereeAccountId);
const byRewardId = (a: { rewardId: string }, b: { rewardId: string }) =>
  a.rewardId.localeCompare(b.rewardId);

const STORES: [string, () => Record<string, string>][] = [
  ['PGlite', () => ({})],
  ['PostgreSQL', onPostgres],
];

describe.each(STORES)('live engine on %s = replay', (_store, settings) => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine(settings());
  }, 60_000);
  afterAll(() => harness?.stop());

  describe.each(SCENARIOS)(
    'when the %s history is posted in occurredAt order, each event twice',
    (name) => {
      const file = exampleHistory(name);

      it('shows the referrals and rewards the replay CLI gives for the same history', async () => {
        const { engine } = harness;
        const events = inTimeOrder(readEvents(file));
        for (let i = 0; i < events.length; i += 4) {
          const posted = await api(engine, 'POST', '/v1/events', events.slice(i, i + 4));
          expect(posted.status).toBe(202);
          expect(posted.body.duplicates).toBe(0);
        }
        const again = await api(engine, 'POST', '/v1/events', events);
        expect(again).toEqual({ status: 202, body: { stored: 0, duplicates: events.length } });
        await untilIdle(engine);

        const programs = ProgramRegistry.withBuiltins();
        const expected = await replay(
          readHistory(createReadStream(file), programs),
          Date.now(),
          programs,
        );
        expect(expected.referrals.length).toBeGreaterThan(0);

        for (const referrer of new Set(expected.referrals.map((r) => r.referrerAccountId))) {
          const program = expected.referrals[0].program;
          const live = await api(
            engine,
            'GET',
            `/v1/programs/${program}/accounts/${referrer}/referrals`,
          );
          expect(live.status).toBe(200);
          const want = expected.referrals.filter((r) => r.referrerAccountId === referrer);
          expect([...live.body.referrals].sort(byReferee)).toEqual([...want].sort(byReferee));
        }
        for (const beneficiary of new Set(expected.rewards.map((r) => r.beneficiaryAccountId))) {
          const program = expected.rewards[0].program;
          const live = await api(
            engine,
            'GET',
            `/v1/programs/${program}/accounts/${beneficiary}/rewards`,
          );
          const want = expected.rewards.filter((r) => r.beneficiaryAccountId === beneficiary);
          // Live, every reward is paid once; cash waits for an admin's approval.
          const paid = want.map((r) => ({
            ...r,
            status: r.kind === 'cash' ? 'awaiting_approval' : 'paid',
          }));
          const got = [...live.body.rewards].sort(byRewardId);
          for (const reward of got)
            if (reward.status === 'paid') expect(reward.paidAt).toEqual(expect.any(String));
          expect(got.map(({ paidAt: _paidAt, ...rest }) => rest)).toEqual(paid.sort(byRewardId));

          const balance = await api(
            engine,
            'GET',
            `/v1/programs/${program}/accounts/${beneficiary}/balance`,
          );
          // Minutes already past their expiry lapse as soon as they are paid.
          const sums = new Map<string, number>();
          const lapsed = (r: (typeof want)[number]) =>
            r.kind === 'bonus_minutes' &&
            r.expiresAt !== undefined &&
            Date.parse(r.expiresAt) <= Date.now();
          for (const r of want)
            sums.set(
              `${r.kind}|${r.unit}`,
              (sums.get(`${r.kind}|${r.unit}`) ?? 0) + (lapsed(r) ? 0 : r.amount),
            );
          expect(balance.body.balances).toEqual(
            [...sums]
              .map(([key, amount]) => ({
                kind: key.split('|')[0],
                unit: key.split('|')[1],
                amount,
              }))
              .sort((a, b) => a.kind.localeCompare(b.kind)),
          );
        }
      }, 60_000);
    },
  );
});
