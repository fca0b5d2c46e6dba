import {
  activated,
  cancelled,
  Fact,
  paid,
  paymentFailed,
  refunded,
  signedUp,
  updated,
} from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/**
 * CONTRACT §3 smithai: the third-month check's rules in their order (partner, active,
 * paying, product), the check for referees that never activated, and the discount only
 * while the referral is pending.
 */

const smithai = engineScenario('smithai');
const CHECK = '2026-04-01T00:00:00Z';
const vr = { plan: 'vr-50', product: 'virtual_receptionist' };
const firm = signedUp('firm', {}, '2025-12-01T09:00:00Z');
const referredAndPaying = (choice = vr): Fact[] => [
  firm,
  signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-05T09:00:00Z'),
  activated('r1', choice, '2026-01-05T09:30:00Z'),
  paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-12T09:35:00Z'),
];
const cash = (outcome: { rewards(): { kind: string }[] }) =>
  outcome.rewards().filter((r) => r.kind === 'cash');

describe('at the check', () => {
  it('a referrer that became a partner before it makes the referral ineligible', () => {
    const outcome = smithai
      .given(...referredAndPaying(), updated('firm', { partner: true }, '2026-03-10T00:00:00Z'))
      .asOf(CHECK)
      .thenReferral('r1', { status: 'ineligible', reason: 'referrer_is_partner' });
    expect(cash(outcome)).toEqual([]);
  });

  it('the partner rule comes first, before the referee’s activity', () => {
    smithai
      .given(
        ...referredAndPaying(),
        updated('firm', { partner: true }, '2026-02-10T00:00:00Z'),
        cancelled('r1', '2026-02-11T00:00:00Z'),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'ineligible', reason: 'referrer_is_partner' });
  });

  it('a referee that paid but never activated forfeits it (referee_not_active)', () => {
    smithai
      .given(
        firm,
        signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-05T09:00:00Z'),
        paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-12T09:35:00Z'),
      )
      .thenReferral('r1', { status: 'pending', nextCheckAt: '2026-04-01T00:00:00.000Z' })
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_active' });
  });

  it('a referee whose latest payment attempt failed is no longer paying (dunning)', () => {
    smithai
      .given(
        ...referredAndPaying(),
        paid('r1', { invoiceId: 'inv-2', amount: 29200 }, '2026-02-12T09:35:00Z'),
        paymentFailed('r1', { invoiceId: 'inv-3', amount: 29200 }, '2026-03-12T09:35:00Z'),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_paying' });
  });

  it('a failed attempt followed by a success is paying again', () => {
    const outcome = smithai
      .given(
        ...referredAndPaying(),
        paymentFailed('r1', { invoiceId: 'inv-2', amount: 29200 }, '2026-02-12T09:35:00Z'),
        paid('r1', { invoiceId: 'inv-2', amount: 29200 }, '2026-02-14T09:35:00Z'),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'rewarded' });
    expect(cash(outcome)).toMatchObject([{ amount: 100000 }]);
  });

  it('a referee whose only invoice was refunded in full has no successful payment left', () => {
    smithai
      .given(
        ...referredAndPaying(),
        refunded('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-20T00:00:00Z'),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_paying' });
  });

  it('a refund does not move the check', () => {
    smithai
      .given(
        ...referredAndPaying(),
        refunded('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-20T00:00:00Z'),
        paid('r1', { invoiceId: 'inv-2', amount: 29200 }, '2026-02-12T09:35:00Z'),
      )
      .thenReferral('r1', { nextCheckAt: '2026-04-01T00:00:00.000Z' })
      .asOf(CHECK)
      .thenReferral('r1', { status: 'rewarded' });
  });

  it('chat or outreach at the check forfeits it (product_not_eligible)', () => {
    smithai
      .given(...referredAndPaying({ plan: 'c-1', product: 'chat' }))
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'product_not_eligible' });
  });
});

describe('events at the check’s exact instant come before it', () => {
  it('a cancel at 00:00 UTC on the check day forfeits the referral', () => {
    smithai
      .given(...referredAndPaying(), cancelled('r1', CHECK))
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_active' });
  });

  it('a failed payment at that instant makes the referee not paying', () => {
    smithai
      .given(
        ...referredAndPaying(),
        paymentFailed('r1', { invoiceId: 'inv-4', amount: 29200 }, CHECK),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_paying' });
  });

  it('a partner flag at that instant makes it ineligible', () => {
    smithai
      .given(...referredAndPaying(), updated('firm', { partner: true }, CHECK))
      .asOf(CHECK)
      .thenReferral('r1', { status: 'ineligible', reason: 'referrer_is_partner' });
  });
});

describe('the referee’s discount', () => {
  it('is not granted once the referral is decided', () => {
    const outcome = smithai
      .given(
        firm,
        signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-05T09:00:00Z'),
        paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-12T09:35:00Z'),
        activated('r1', vr, '2026-04-02T00:00:00Z'),
      )
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_active' });
    expect(outcome.rewards()).toEqual([]);
  });

  it('is not granted to a client that subscribed before its signup', () => {
    const outcome = smithai
      .given(
        firm,
        activated('r1', vr, '2026-01-04T09:30:00Z'),
        signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-05T09:00:00Z'),
        paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-01-12T09:35:00Z'),
      )
      .asOf(CHECK)
      .thenReferral('r1', { status: 'rewarded' });
    expect(outcome.rewards().map((r) => r.kind)).toEqual(['cash']);
  });

  it('earned while pending, it leaves the referral pending until the check', () => {
    smithai
      .given(...referredAndPaying())
      .thenReferral('r1', { status: 'pending', nextCheckAt: '2026-04-01T00:00:00.000Z' })
      .thenRewards([{ kind: 'discount', amount: 10000, expiresAt: '2026-02-05T09:30:00.000Z' }]);
  });
});

// README, rules where the contract is silent: as every timer due before an event fires before it.
describe('a check already past when the referral is created', () => {
  // First paid in December, signed up in March: the check was due on March 1st.
  const paidLongBefore = [
    firm,
    activated('r1', vr, '2025-12-01T09:30:00Z'),
    paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2025-12-05T09:35:00Z'),
  ];
  const signup = '2026-03-10T09:00:00Z';

  it('is decided at once, as of its own date, and pays what was due then', () => {
    smithai
      .given(...paidLongBefore, signedUp('r1', { referrerAccountId: 'firm' }, signup))
      .asOf(signup)
      .thenReferral('r1', { status: 'rewarded', successfulPayments: 1 })
      .thenRewards([
        {
          kind: 'cash',
          amount: 100000,
          earnedAt: '2026-03-01T00:00:00.000Z',
          dueBy: '2026-03-20',
        },
      ]);
  });

  it('before a later line at the signup’s instant', () => {
    smithai
      .given(
        ...paidLongBefore,
        signedUp('r1', { referrerAccountId: 'firm' }, signup),
        paid('r1', { invoiceId: 'inv-2', amount: 29200 }, signup),
      )
      .thenReferral('r1', { status: 'rewarded', successfulPayments: 1 });
  });
});
