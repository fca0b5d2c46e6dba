import { activated, cancelled, Fact, planChanged, signedUp } from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/** CONTRACT §3 kallyai: bonus minutes for both sides on the referee's first activation. */

const kallyai = engineScenario('kallyai');
const aliceSubscribed = [
  signedUp('alice', {}, '2026-01-02T09:00:00Z'),
  activated('alice', { plan: 'pro' }, '2026-01-02T09:05:00Z'),
];
const bobReferred = (at = '2026-01-10T12:00:00Z') =>
  signedUp('bob', { referrerAccountId: 'alice' }, at);

describe('when the referrer has no active subscription at the referee’s signup', () => {
  it('the referral is ineligible and stays so when the referrer subscribes afterwards', () => {
    kallyai
      .given(
        signedUp('alice', {}, '2026-01-02T09:00:00Z'),
        bobReferred(),
        activated('alice', { plan: 'pro' }, '2026-01-11T00:00:00Z'),
        activated('bob', { plan: 'pro' }, '2026-01-12T00:00:00Z'),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'referrer_not_subscribed' })
      .thenRewards([]);
  });
});

describe('when the referee activates its first subscription', () => {
  // 25 % of the plan's minutes, halves to even: 90 → 22.5 → 22; 360 → 90; 1200 → 300.
  it.each([
    ['starter', 22],
    ['pro', 90],
    ['power', 300],
  ])('on %s both sides earn %i bonus minutes', (plan, minutes) => {
    const at = '2026-01-10T12:30:00Z';
    const side = {
      kind: 'bonus_minutes' as const,
      amount: minutes,
      unit: 'minutes',
      earnedAt: '2026-01-10T12:30:00.000Z',
    };
    kallyai
      .given(...aliceSubscribed, bobReferred(), activated('bob', { plan }, at))
      .thenReferral('bob', { status: 'rewarded', plan })
      .thenRewards([
        { ...side, role: 'referrer', beneficiaryAccountId: 'alice', refereeAccountId: 'bob' },
        { ...side, role: 'referee', beneficiaryAccountId: 'bob', referrerAccountId: 'alice' },
      ]);
  });

  it('the amount follows the first plan, not a plan chosen later', () => {
    const outcome = kallyai.given(
      ...aliceSubscribed,
      bobReferred(),
      activated('bob', { plan: 'starter' }, '2026-01-10T12:30:00Z'),
      planChanged('bob', { plan: 'power' }, '2026-01-20T00:00:00Z'),
    );
    expect(outcome.rewards().map((r) => r.amount)).toEqual([22, 22]);
  });
});

describe('when the bonus minutes expire', () => {
  it.each([
    ['a mid-month activation', '2026-01-10T12:30:00Z', '2026-02-10T12:30:00.000Z'],
    [
      'an activation on Jan 31 (clamped to Feb 28)',
      '2026-01-31T08:00:00Z',
      '2026-02-28T08:00:00.000Z',
    ],
    ['an activation on Jan 31 of a leap year', '2028-01-31T08:00:00Z', '2028-02-29T08:00:00.000Z'],
    [
      'an activation on Mar 31 (clamped to Apr 30)',
      '2026-03-31T23:59:00Z',
      '2026-04-30T23:59:00.000Z',
    ],
    [
      'an activation in December (into the next year)',
      '2026-12-15T00:00:00Z',
      '2027-01-15T00:00:00.000Z',
    ],
  ])('after %s they expire one calendar month later', (_, at, expiresAt) => {
    const outcome = kallyai.given(
      ...aliceSubscribed,
      bobReferred(),
      activated('bob', { plan: 'pro' }, at),
    );
    expect(outcome.rewards().map((r) => r.expiresAt)).toEqual([expiresAt, expiresAt]);
  });
});

describe('when the referee cancels and comes back', () => {
  const rewardedThenCancelled: Fact[] = [
    ...aliceSubscribed,
    bobReferred(),
    activated('bob', { plan: 'pro' }, '2026-01-10T12:30:00Z'),
    cancelled('bob', '2026-02-01T00:00:00Z'),
  ];

  it('cancelling takes back none of the earned minutes', () => {
    kallyai
      .given(...rewardedThenCancelled)
      .thenReferral('bob', { status: 'rewarded' })
      .thenRewards([
        { role: 'referrer', amount: 90 },
        { role: 'referee', amount: 90 },
      ]);
  });

  it('a re-activation, even on a bigger plan, earns nothing more', () => {
    kallyai
      .given(...rewardedThenCancelled, activated('bob', { plan: 'power' }, '2026-03-01T00:00:00Z'))
      .thenRewards([
        { role: 'referrer', amount: 90, earnedAt: '2026-01-10T12:30:00.000Z' },
        { role: 'referee', amount: 90, earnedAt: '2026-01-10T12:30:00.000Z' },
      ]);
  });
});

describe('when the referrer cancels after the referee signed up', () => {
  it('the referral still earns: the subscription is judged at the referee’s signup', () => {
    kallyai
      .given(
        ...aliceSubscribed,
        bobReferred(),
        cancelled('alice', '2026-01-11T00:00:00Z'),
        activated('bob', { plan: 'pro' }, '2026-01-12T00:00:00Z'),
      )
      .thenReferral('bob', { status: 'rewarded' });
  });
});
