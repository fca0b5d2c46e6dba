import {
  activated,
  cancelled,
  Fact,
  paid,
  paymentFailed,
  planChanged,
  refunded,
  signedUp,
  withId,
} from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/** CONTRACT §3 callrail: account credit for both sides at the referee's fourth successful payment. */

const callrail = engineScenario('callrail');
const day = (month: number, d = 2) =>
  `2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00Z`;
const invoice = (n: number) => ({ invoiceId: `inv-${n}`, amount: 4500 });
const payment = (n: number, month = n + 1) => paid('bob', invoice(n), day(month));
const referredOn = (plan: string): Fact[] => [
  signedUp('alice', {}, day(1, 1)),
  signedUp('bob', { referrerAccountId: 'alice' }, day(1, 10)),
  activated('bob', { plan }, day(1, 11)),
];

describe('while the referee pays its first invoices', () => {
  it.each([0, 1, 2, 3])(
    'after %i payments the referral is pending with the rest to go',
    (count) => {
      const outcome = callrail.given(
        ...referredOn('pro'),
        ...[1, 2, 3].slice(0, count).map((n) => payment(n)),
      );
      outcome.thenReferral('bob', {
        status: 'pending',
        successfulPayments: count,
        invoicesRemaining: 4 - count,
        rewards: [],
      });
    },
  );

  it('a failed payment does not count', () => {
    callrail
      .given(
        ...referredOn('pro'),
        payment(1),
        paymentFailed('bob', invoice(2), day(3)),
        payment(3, 4),
        payment(4, 5),
      )
      .thenReferral('bob', { status: 'pending', successfulPayments: 3, invoicesRemaining: 1 });
  });

  it('a failed attempt retried successfully counts once', () => {
    callrail
      .given(
        ...referredOn('pro'),
        payment(1),
        paymentFailed('bob', invoice(2), day(3, 1)),
        paid('bob', invoice(2), day(3, 5)),
        payment(3, 4),
        payment(4, 5),
      )
      .thenReferral('bob', { status: 'rewarded', successfulPayments: 4, invoicesRemaining: 0 });
  });

  it('the same invoice delivered twice counts once', () => {
    callrail
      .given(...referredOn('pro'), payment(1), payment(2), withId('again', payment(2)), payment(3))
      .thenReferral('bob', { status: 'pending', successfulPayments: 3, invoicesRemaining: 1 });
  });
});

describe('when a payment is refunded', () => {
  it('while the referral is pending, the refunded payment stops counting', () => {
    const refundedSecond = [
      ...referredOn('pro'),
      payment(1),
      payment(2),
      refunded('bob', invoice(2), day(3, 20)),
      payment(3, 4),
      payment(4, 5),
    ];
    callrail
      .given(...refundedSecond)
      .thenReferral('bob', { status: 'pending', successfulPayments: 3, invoicesRemaining: 1 })
      .thenRewards([]);
    callrail
      .given(...refundedSecond, payment(5, 6))
      .thenReferral('bob', { status: 'rewarded', successfulPayments: 4, invoicesRemaining: 0 });
  });

  it('after the reward, a refund takes nothing back and the count shown stays', () => {
    const outcome = callrail.given(
      ...referredOn('pro'),
      ...[1, 2, 3, 4].map((n) => payment(n)),
      refunded('bob', invoice(4), day(5, 20)),
    );
    outcome.thenReferral('bob', {
      status: 'rewarded',
      successfulPayments: 4,
      invoicesRemaining: 0,
    });
    expect(outcome.rewards()).toHaveLength(2);
  });
});

describe('when the fourth payment succeeds', () => {
  it.each([
    ['starter', 5000],
    ['pro', 15000],
    ['premium', 15000],
  ])('on %s both sides earn %i cents of account credit', (plan, cents) => {
    const credit = {
      kind: 'account_credit' as const,
      amount: cents,
      unit: 'USD',
      earnedAt: '2026-05-02T10:00:00.000Z',
    };
    callrail
      .given(...referredOn(plan), ...[1, 2, 3, 4].map((n) => payment(n)))
      .thenReferral('bob', {
        status: 'rewarded',
        plan,
        successfulPayments: 4,
        invoicesRemaining: 0,
      })
      .thenRewards([
        { ...credit, role: 'referrer', beneficiaryAccountId: 'alice' },
        { ...credit, role: 'referee', beneficiaryAccountId: 'bob' },
      ]);
  });

  it.each([
    ['starter', 'pro', 15000],
    ['premium', 'starter', 5000],
  ])('the plan at that payment counts: %s changed to %s earns %i', (first, then, cents) => {
    const outcome = callrail.given(
      ...referredOn(first),
      ...[1, 2, 3].map((n) => payment(n)),
      planChanged('bob', { plan: then }, day(4, 20)),
      payment(4),
    );
    expect(outcome.rewards().map((r) => r.amount)).toEqual([cents, cents]);
  });

  it('a plan change after the reward changes nothing', () => {
    const outcome = callrail.given(
      ...referredOn('starter'),
      ...[1, 2, 3, 4].map((n) => payment(n)),
      planChanged('bob', { plan: 'premium' }, day(5, 20)),
      payment(5, 6),
    );
    expect(outcome.rewards().map((r) => r.amount)).toEqual([5000, 5000]);
  });

  it('a referee with four paid invoices at its signup is rewarded then, by the plan it holds then (README)', () => {
    callrail
      .given(
        signedUp('alice', {}, day(1, 1)),
        activated('bob', { plan: 'starter' }, day(1, 2)),
        ...[1, 2, 3, 4].map((n) => payment(n)),
        planChanged('bob', { plan: 'pro' }, day(5, 20)),
        signedUp('bob', { referrerAccountId: 'alice' }, day(6, 1)),
      )
      .thenReferral('bob', { status: 'rewarded', successfulPayments: 4, invoicesRemaining: 0 })
      .thenRewards([
        { beneficiaryAccountId: 'alice', amount: 15000, earnedAt: '2026-06-01T10:00:00.000Z' },
        { beneficiaryAccountId: 'bob', amount: 15000, earnedAt: '2026-06-01T10:00:00.000Z' },
      ]);
  });

  it('counts payments made after a cancel too: the trigger is the count, not activity', () => {
    callrail
      .given(
        ...referredOn('pro'),
        ...[1, 2, 3].map((n) => payment(n)),
        cancelled('bob', day(4, 20)),
        payment(4),
      )
      .thenReferral('bob', { status: 'rewarded' });
  });
});
