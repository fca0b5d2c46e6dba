import {
  activated,
  cancelled,
  Fact,
  paid,
  paymentFailed,
  planChanged,
  signedUp,
  withId,
} from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';

/** CONTRACT §2: what "active" means, how a status moves, rewards once, no cap by default. */

const kallyai = engineScenario('kallyai');
const callrail = engineScenario('callrail');
const bobSignsUp = signedUp('bob', { referrerAccountId: 'alice' }, '2026-02-01T12:00:00Z');
const referrer = (...facts: Fact[]) => [signedUp('alice', {}, '2026-01-01T09:00:00Z'), ...facts];
const minute = (day: number, i: number) => `2026-02-0${day}T10:${String(i).padStart(2, '0')}:00Z`;
const bill = (account: string, n: number, at: string) =>
  paid(account, { invoiceId: `${account}-${n}`, amount: 2900 }, at);

// kallyai asks for an active referrer at the referee's signup, so it shows what "active" is.
describe('when is an account active', () => {
  it.each<[string, Fact[]]>([
    ['after subscription.activated', [activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z')]],
    [
      'after a plan change (it stays active)',
      [
        activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z'),
        planChanged('alice', { plan: 'starter' }, '2026-01-20T00:00:00Z'),
      ],
    ],
    [
      'after a failed payment (it stays active)',
      [
        activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z'),
        paymentFailed('alice', { invoiceId: 'a-2', amount: 2900 }, '2026-01-25T00:00:00Z'),
      ],
    ],
    [
      'after a re-activation that follows a cancel',
      [
        activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z'),
        cancelled('alice', '2026-01-10T00:00:00Z'),
        activated('alice', { plan: 'power' }, '2026-01-20T00:00:00Z'),
      ],
    ],
  ])('the referrer counts as subscribed %s', (_, facts) => {
    kallyai.given(...referrer(...facts), bobSignsUp).thenReferral('bob', { status: 'pending' });
  });

  it.each<[string, Fact[]]>([
    ['before any activation', []],
    [
      'after a cancel',
      [
        activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z'),
        cancelled('alice', '2026-01-10T00:00:00Z', 'too expensive'),
      ],
    ],
  ])('the referrer is not subscribed %s', (_, facts) => {
    kallyai
      .given(...referrer(...facts), bobSignsUp)
      .thenReferral('bob', { status: 'ineligible', reason: 'referrer_not_subscribed' });
  });
});

describe('how a referral status moves', () => {
  it('pending while waiting, then rewarded once its trigger is met', () => {
    const history = [
      ...referrer(),
      bobSignsUp,
      activated('bob', { plan: 'pro' }, '2026-02-01T12:05:00Z'),
      ...[1, 2, 3].map((n) => bill('bob', n, `2026-0${n + 1}-02T00:00:00Z`)),
    ];
    callrail.given(...history).thenReferral('bob', { status: 'pending', reason: undefined });
    const done = callrail.given(...history, bill('bob', 4, '2026-05-02T00:00:00Z'));
    done.thenReferral('bob', { status: 'rewarded', reason: undefined });
    expect(done.referral('bob')?.rewards.sort()).toEqual(
      done
        .rewardsOf('bob')
        .map((r) => r.rewardId)
        .sort(),
    );
  });

  it('a rewarded referral stays rewarded whatever the referee does next', () => {
    kallyai
      .given(
        ...referrer(activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z')),
        bobSignsUp,
        activated('bob', { plan: 'pro' }, '2026-02-02T00:00:00Z'),
        cancelled('bob', '2026-02-10T00:00:00Z'),
        activated('bob', { plan: 'power' }, '2026-03-01T00:00:00Z'),
      )
      .thenReferral('bob', { status: 'rewarded' });
  });
});

describe('when the same trigger seems to fire again', () => {
  it('no reward is earned twice: later payments and a redelivered invoice earn nothing more', () => {
    const outcome = callrail.given(
      ...referrer(),
      bobSignsUp,
      activated('bob', { plan: 'pro' }, '2026-02-01T12:05:00Z'),
      ...[1, 2, 3, 4, 5, 6].map((n) => bill('bob', n, `2026-0${n + 1}-02T00:00:00Z`)),
      // The 4th invoice delivered again under a new upstream id.
      withId('late-copy-of-4', bill('bob', 4, '2026-08-03T00:00:00Z')),
    );
    const earned = outcome.decisions
      .flatMap((d) => d.events)
      .filter((e) => e.type === 'RewardEarned');
    expect(earned).toHaveLength(2);
    // Decided, never paid: `earned` is the only status the engine's views show.
    expect(outcome.rewards().map((r) => r.status)).toEqual(['earned', 'earned']);
  });
});

describe('when one referrer refers many accounts', () => {
  it('every referral counts: there is no cap unless a program sets one', () => {
    const referees = Array.from({ length: 30 }, (_, i) => `ref-${String(i).padStart(2, '0')}`);
    const outcome = kallyai.given(
      ...referrer(activated('alice', { plan: 'pro' }, '2026-01-02T00:00:00Z')),
      ...referees.map((id, i) => signedUp(id, { referrerAccountId: 'alice' }, minute(1, i))),
      ...referees.map((id, i) => activated(id, { plan: 'starter' }, minute(2, i))),
    );
    expect(outcome.referrals().map((r) => r.status)).toEqual(referees.map(() => 'rewarded'));
    expect(outcome.rewardsFor('alice')).toHaveLength(30);
  });
});
