import { createHash } from 'node:crypto';
import { activated, Fact, inProgram, paid, signedUp } from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';
import { rewardIdOf, timerIdOf } from './ids';

/** CONTRACT §4: `rewardId` is stable, the same history always yields the same ids. */

const history: Fact[] = [
  signedUp('alice', {}, '2026-01-01T09:00:00Z'),
  activated('alice', { plan: 'pro' }, '2026-01-01T09:05:00Z'),
  signedUp('bob', { referrerAccountId: 'alice' }, '2026-01-10T12:00:00Z'),
  activated('bob', { plan: 'pro' }, '2026-01-10T12:30:00Z'),
  signedUp('carol', { referrerAccountId: 'alice' }, '2026-01-11T12:00:00Z'),
  activated('carol', { plan: 'starter' }, '2026-01-11T12:30:00Z'),
];
const idsOf = (facts: Fact[]) =>
  engineScenario('kallyai')
    .given(...facts)
    .rewards()
    .map((r) => `${r.refereeAccountId}/${r.role}=${r.rewardId}`)
    .sort();

describe('when the same history is decided twice', () => {
  it('every reward gets the same id', () => {
    expect(idsOf(history)).toEqual(idsOf(history));
  });

  it('the referral view lists exactly the ids of its rewards', () => {
    const outcome = engineScenario('kallyai').given(...history);
    for (const referee of ['bob', 'carol']) {
      expect(outcome.referral(referee)?.rewards.sort()).toEqual(
        outcome
          .rewardsOf(referee)
          .map((r) => r.rewardId)
          .sort(),
      );
    }
  });
});

describe('what a reward id depends on', () => {
  it('each role of each referral has its own id', () => {
    const ids = idsOf(history).map((s) => s.split('=')[1]);
    expect(new Set(ids).size).toBe(4);
  });

  it('unrelated events elsewhere in the history leave the ids alone', () => {
    const busier = [
      inProgram('callrail', signedUp('zed', {}, '2026-01-01T08:00:00Z')),
      ...history.slice(0, 4),
      signedUp('dave', { referrerAccountId: 'alice' }, '2026-01-10T13:00:00Z'),
      activated('dave', { plan: 'power' }, '2026-01-10T13:30:00Z'),
      ...history.slice(4),
      inProgram('callrail', paid('zed', { invoiceId: 'z1', amount: 100 }, '2026-01-20T00:00:00Z')),
    ];
    const before = idsOf(history);
    expect(idsOf(busier).filter((s) => !s.startsWith('dave/'))).toEqual(before);
  });

  it('ids are safe as job ids and URL segments', () => {
    for (const s of idsOf(history)) expect(s.split('=')[1]).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('ids stay what they were', () => {
  it('digests a reward and a timer id as before (sha256 of the parts joined by NUL)', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
    expect(rewardIdOf('callrail:bob', 'four_invoices', 'referrer')).toBe(
      `rw_${sha('reward\u0000callrail:bob\u0000four_invoices\u0000referrer\u0000')}`,
    );
    expect(timerIdOf('smithai:bob', 'third_month')).toBe(
      `tm_${sha('timer\u0000smithai:bob\u0000third_month')}`,
    );
  });
});
