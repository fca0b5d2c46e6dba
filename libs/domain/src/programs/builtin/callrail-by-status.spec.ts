import { activated, paid, refunded, signedUp } from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/** CONTRACT §2/§3 callrail: what a referral shows once it leaves `pending`, and the no-plan case. */

const callrail = engineScenario('callrail');
const day = (month: number, d = 2) =>
  `2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00Z`;
const payment = (n: number) => paid('bob', { invoiceId: `inv-${n}`, amount: 4500 }, day(n + 1));

describe('once the referral is rewarded', () => {
  const rewarded = [
    signedUp('alice', {}, day(1, 1)),
    signedUp('bob', { referrerAccountId: 'alice' }, day(1, 10)),
    activated('bob', { plan: 'starter' }, day(1, 11)),
    ...[1, 2, 3, 4].map(payment),
  ];

  it('shows no invoices remaining and the count it was decided on', () => {
    callrail
      .given(...rewarded)
      .thenReferral('bob', { status: 'rewarded', successfulPayments: 4, invoicesRemaining: 0 });
  });

  it('later payments and refunds change neither its count nor its rewards', () => {
    callrail
      .given(
        ...rewarded,
        payment(5),
        payment(6),
        refunded('bob', { invoiceId: 'inv-1', amount: 4500 }, day(8)),
      )
      .thenReferral('bob', { status: 'rewarded', successfulPayments: 4, invoicesRemaining: 0 })
      .thenRewards([
        { beneficiaryAccountId: 'alice', amount: 5000 },
        { beneficiaryAccountId: 'bob', amount: 5000 },
      ]);
  });
});

describe('an ineligible referral', () => {
  it('shows no countdown, and its count stays as it was', () => {
    callrail
      .given(
        signedUp('alice', { email: 'same@example.com' }, day(1, 1)),
        signedUp('bob', { referrerAccountId: 'alice', email: 'SAME@example.com' }, day(1, 10)),
        activated('bob', { plan: 'pro' }, day(1, 11)),
        payment(1),
        payment(2),
      )
      .thenReferral('bob', {
        status: 'ineligible',
        reason: 'self_referral',
        successfulPayments: 0,
        invoicesRemaining: undefined,
      });
  });
});

describe('a referee that never subscribed', () => {
  it('forfeits the referral at its fourth payment (plan_not_eligible), with no countdown', () => {
    callrail
      .given(
        signedUp('alice', {}, day(1, 1)),
        signedUp('bob', { referrerAccountId: 'alice' }, day(1, 10)),
        ...[1, 2, 3, 4].map(payment),
      )
      .thenReferral('bob', {
        status: 'forfeited',
        reason: 'plan_not_eligible',
        successfulPayments: 4,
        invoicesRemaining: undefined,
      })
      .thenRewards([]);
  });
});
