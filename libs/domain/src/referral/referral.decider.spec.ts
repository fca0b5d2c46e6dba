import { activated, cancelled, paid, signedUp } from '../testing/billing-facts';
import {
  accountAfter,
  builtinProgram,
  observe,
  openReferral,
  plus,
  referralCreated,
  referralSpecification,
  runCheck,
} from '../testing/referral-fixtures';
import { referralIdOf, rewardIdOf, timerIdOf } from './ids';
import type { ReferralCommand } from './referral.commands';
import type { ReferralEvent, RewardEarned } from './referral.events';

/** The referral decider on its own: past decisions given, one command, the new decisions. */

const kallyai = builtinProgram('kallyai');
const smithai = builtinProgram('smithai');
const SIGNUP = '2026-01-10T12:00:00Z';

const alice = accountAfter('kallyai', 'alice', [
  signedUp('alice', { email: 'alice@example.com' }, '2026-01-01T00:00:00Z'),
  activated('alice', { plan: 'pro' }, '2026-01-01T00:05:00Z'),
]);
const bob = accountAfter('kallyai', 'bob', [signedUp('bob', {}, SIGNUP)]);

const bonus = (role: 'referrer' | 'referee', at: string, expiresAt: string): RewardEarned => ({
  type: 'RewardEarned',
  data: {
    rewardId: rewardIdOf(referralIdOf('kallyai', 'bob'), 'activation_bonus', role),
    referralId: referralIdOf('kallyai', 'bob'),
    program: 'kallyai',
    triggerId: 'activation_bonus',
    referrerAccountId: 'alice',
    refereeAccountId: 'bob',
    beneficiaryAccountId: role === 'referrer' ? 'alice' : 'bob',
    role,
    kind: 'bonus_minutes',
    amount: 90,
    unit: 'minutes',
    earnedAt: at,
    expiresAt,
  },
});

describe('referral decider', () => {
  const given = referralSpecification(kallyai);
  const created = referralCreated(kallyai, 'alice', 'bob', SIGNUP);

  describe('when the referee signs up', () => {
    it('opens the referral, waiting on every trigger of the program', () => {
      given([])
        .when(openReferral(kallyai, alice, bob, SIGNUP))
        .then([created]);
    });

    it('opens it as ineligible when the referee shares the referrer’s email', () => {
      const twin = accountAfter('kallyai', 'bob', [
        signedUp('bob', { email: 'ALICE@example.com' }, SIGNUP),
      ]);
      given([])
        .when(openReferral(kallyai, alice, twin, SIGNUP))
        .then([
          referralCreated(kallyai, 'alice', 'bob', SIGNUP),
          {
            type: 'ReferralMarkedIneligible',
            data: {
              referralId: 'kallyai:bob',
              reason: 'self_referral',
              at: '2026-01-10T12:00:00.000Z',
            },
          },
        ]);
    });

    it('a second signup of the same referee opens nothing', () => {
      given([created])
        .when(openReferral(kallyai, alice, bob, '2026-02-01T00:00:00Z'))
        .thenNothing();
    });
  });

  describe('when the referee activates for the first time', () => {
    const activation = activated('bob', { plan: 'pro' }, '2026-01-31T10:00:00Z');
    const rewards = [
      bonus('referrer', '2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z'),
      bonus('referee', '2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z'),
    ];

    it('both sides earn 25 % of the plan minutes, expiring a calendar month later', () => {
      given([created])
        .when(observe(kallyai, activation, alice, plus('kallyai', bob, activation)))
        .then(rewards);
    });

    it('a re-activation after a cancel decides nothing', () => {
      const back = activated('bob', { plan: 'power' }, '2026-03-01T00:00:00Z');
      const referee = [activation, cancelled('bob', '2026-02-10T00:00:00Z'), back].reduce(
        (account, f) => plus('kallyai', account, f),
        bob,
      );
      given([created, ...rewards])
        .when(observe(kallyai, back, alice, referee))
        .thenNothing();
    });
  });

  it('a fact about an account without a referral decides nothing', () => {
    const activation = activated('bob', { plan: 'pro' }, '2026-01-31T10:00:00Z');
    given([])
      .when(observe(kallyai, activation, alice, plus('kallyai', bob, activation)))
      .thenNothing();
  });

  it('throws on a command it does not know', () => {
    const bogus = { type: 'Bogus', data: {}, metadata: { now: 0 } } as unknown as ReferralCommand;
    given([created])
      .when(bogus)
      .thenThrows((e) => /unknown command/.test(e.message));
  });
});

describe('referral decider at the third-month check (smithai)', () => {
  const given = referralSpecification(smithai);
  const firm = accountAfter('smithai', 'firm', [signedUp('firm', {}, '2025-12-01T00:00:00Z')]);
  const r1Facts = [
    signedUp('r1', {}, SIGNUP),
    activated('r1', { plan: 'va-1', product: 'voice_assistant' }, '2026-01-10T12:05:00Z'),
    paid('r1', { invoiceId: 'i1', amount: 9500 }, '2026-01-10T12:10:00Z'),
  ];
  const r1 = accountAfter('smithai', 'r1', r1Facts);
  const timerId = timerIdOf('smithai:r1', 'third_month_cash');
  const past: ReferralEvent[] = [
    referralCreated(smithai, 'firm', 'r1', SIGNUP),
    {
      type: 'TriggerSkipped',
      data: {
        referralId: 'smithai:r1',
        triggerId: 'first_month_discount',
        reason: 'first_subscription_not_eligible',
        at: '2026-01-10T12:05:00.000Z',
      },
    },
    {
      type: 'CheckScheduled',
      data: {
        referralId: 'smithai:r1',
        triggerId: 'third_month_cash',
        timerId,
        dueAt: '2026-04-01T00:00:00.000Z',
      },
    },
  ];

  it('forfeits when the referee is no longer active', () => {
    const gone = plus('smithai', r1, cancelled('r1', '2026-03-01T00:00:00Z'));
    given(past)
      .when(runCheck(timerId, firm, gone, '2026-04-01T00:00:00Z'))
      .then([
        {
          type: 'ReferralForfeited',
          data: {
            referralId: 'smithai:r1',
            triggerId: 'third_month_cash',
            reason: 'referee_not_active',
            at: '2026-04-01T00:00:00.000Z',
          },
        },
      ]);
  });

  it('ignores a timer it did not schedule', () => {
    given(past)
      .when(runCheck('tm_other', firm, r1, '2026-04-01T00:00:00Z'))
      .thenNothing();
  });

  it('a cancel after the cash was earned decides nothing', () => {
    const { events } = given(past)
      .when(runCheck(timerId, firm, r1, '2026-04-01T00:00:00Z'))
      .decisions();
    expect(events).toMatchObject([
      { type: 'RewardEarned', data: { kind: 'cash', amount: 20000, dueBy: '2026-04-21' } },
    ]);
    const cancel = cancelled('r1', '2026-04-02T00:00:00Z');
    given([...past, ...events])
      .when(observe(smithai, cancel, firm, plus('smithai', r1, cancel)))
      .thenNothing();
  });
});
