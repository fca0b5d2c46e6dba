import {
  activated,
  cancelled,
  Fact,
  paid,
  paymentFailed,
  planChanged,
  signedUp,
} from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/**
 * CONTRACT §3 smithai: the referrer's cash, checked at 00:00 UTC on the first day of the
 * third calendar month after the month of the referee's first successful payment.
 */

const smithai = engineScenario('smithai');
const vr = { plan: 'vr-50', product: 'virtual_receptionist' };
const va = { plan: 'va-basic', product: 'voice_assistant' };
const referred = (choice: { plan: string; product: string }, firstPaymentAt: string): Fact[] => [
  signedUp('firm', {}, '2025-06-01T15:00:00Z'),
  signedUp('r1', { referrerAccountId: 'firm' }, '2025-12-20T09:00:00Z'),
  activated('r1', choice, '2025-12-20T09:30:00Z'),
  paid('r1', { invoiceId: 'inv-1', amount: 29200 }, firstPaymentAt),
];
const january = referred(vr, '2026-01-12T09:35:00Z');
const cashOf = (outcome: { rewards(): { kind: string }[] }) =>
  outcome.rewards().filter((r) => r.kind === 'cash');

describe('until the third-month check', () => {
  it('before any payment the referral is pending with no check scheduled', () => {
    smithai
      .given(...january.slice(0, 3))
      .thenReferral('r1', { status: 'pending', nextCheckAt: undefined });
  });

  it.each([
    ['2026-01-01T00:00:00Z', '2026-04-01T00:00:00.000Z'],
    ['2026-01-12T09:35:00Z', '2026-04-01T00:00:00.000Z'],
    ['2026-01-31T23:59:59Z', '2026-04-01T00:00:00.000Z'],
    ['2026-11-03T00:00:00Z', '2027-02-01T00:00:00.000Z'],
  ])('a first payment at %s sets the check at %s', (firstPaymentAt, nextCheckAt) => {
    smithai
      .given(...referred(vr, firstPaymentAt))
      .thenReferral('r1', { status: 'pending', nextCheckAt });
  });

  it('later payments and a failed one do not move the check, and nothing is decided early', () => {
    const outcome = smithai
      .given(
        ...january,
        paid('r1', { invoiceId: 'inv-2', amount: 29200 }, '2026-02-12T09:35:00Z'),
        paymentFailed('r1', { invoiceId: 'inv-3', amount: 29200 }, '2026-03-12T09:35:00Z'),
      )
      .asOf('2026-03-31T23:59:59Z');
    outcome.thenReferral('r1', { status: 'pending', nextCheckAt: '2026-04-01T00:00:00.000Z' });
    expect(cashOf(outcome)).toEqual([]);
  });
});

describe('when the check finds the referee active', () => {
  it.each([
    ['virtual_receptionist', vr, 100000],
    ['voice_assistant', va, 20000],
  ])('on %s the referrer earns its cash, due by the 15th business day', (_, choice, amount) => {
    smithai
      .given(...referred(choice, '2026-01-12T09:35:00Z'))
      .asOf('2026-04-01T00:00:00Z')
      .thenReferral('r1', { status: 'rewarded', nextCheckAt: undefined })
      .thenRewards([
        ...(choice === vr ? [{ kind: 'discount' as const }] : []),
        {
          role: 'referrer',
          beneficiaryAccountId: 'firm',
          kind: 'cash',
          amount,
          unit: 'USD',
          earnedAt: '2026-04-01T00:00:00.000Z',
          dueBy: '2026-04-21', // April 2026 starts on a Wednesday
        },
      ]);
  });

  it.each([
    ['2026-05-04T00:00:00Z', '2026-08-21'], // August 2026 starts on a Saturday
    // November 2026 starts on a Sunday, and Veterans Day (Wed 11th) is a federal holiday.
    ['2026-08-04T00:00:00Z', '2026-11-23'],
    ['2025-12-21T00:00:00Z', '2026-03-20'], // (March 2026 has no federal holiday)
    // July 2026: Independence Day falls on a Saturday and is observed on Friday the 3rd.
    ['2026-04-03T00:00:00Z', '2026-07-22'],
  ])('a first payment at %s makes the cash due by %s', (firstPaymentAt, dueBy) => {
    const outcome = smithai.given(...referred(va, firstPaymentAt)).asOf('2027-01-01T00:00:00Z');
    expect(cashOf(outcome)).toMatchObject([{ dueBy }]);
  });

  it('pays by the product held at the check, not the first one', () => {
    const outcome = smithai
      .given(...referred(va, '2026-01-12T09:35:00Z'), planChanged('r1', vr, '2026-03-01T00:00:00Z'))
      .asOf('2026-04-01T00:00:00Z');
    expect(cashOf(outcome)).toMatchObject([{ amount: 100000 }]);
  });

  it('the check fires when the next event passes it, not only when the clock does', () => {
    const outcome = smithai.given(
      ...january,
      paid('r1', { invoiceId: 'inv-4', amount: 29200 }, '2026-04-12T09:35:00Z'),
    );
    expect(cashOf(outcome)).toMatchObject([{ earnedAt: '2026-04-01T00:00:00.000Z' }]);
  });

  it('a cancel after the check changes nothing', () => {
    const outcome = smithai
      .given(...january, cancelled('r1', '2026-04-01T00:00:01Z'))
      .asOf('2026-06-01T00:00:00Z');
    outcome.thenReferral('r1', { status: 'rewarded' });
    expect(cashOf(outcome)).toMatchObject([{ amount: 100000 }]);
  });

  it('a cancel before the check followed by a re-activation still earns', () => {
    const outcome = smithai
      .given(
        ...january,
        cancelled('r1', '2026-02-20T00:00:00Z'),
        activated('r1', va, '2026-03-10T00:00:00Z'),
      )
      .asOf('2026-04-01T00:00:00Z');
    expect(cashOf(outcome)).toMatchObject([{ amount: 20000 }]);
  });
});

describe('when the check finds the referral cannot pay', () => {
  it('a referee who cancelled before the check forfeits it (referee_not_active)', () => {
    smithai
      .given(...january, cancelled('r1', '2026-03-31T23:59:00Z'))
      .asOf('2026-04-02T00:00:00Z')
      .thenReferral('r1', {
        status: 'forfeited',
        reason: 'referee_not_active',
        nextCheckAt: undefined,
      })
      .thenRewards([{ kind: 'discount' }]);
  });

  it.each(['chat', 'outreach'])(
    'a referee on %s at the check forfeits it (product_not_eligible)',
    (product) => {
      smithai
        .given(...january, planChanged('r1', { plan: 'p1', product }, '2026-03-01T00:00:00Z'))
        .asOf('2026-04-01T00:00:00Z')
        .thenReferral('r1', { status: 'forfeited', reason: 'product_not_eligible' })
        .thenRewards([{ kind: 'discount' }]);
    },
  );

  it('a forfeited referral earns nothing when the referee comes back', () => {
    const outcome = smithai
      .given(
        ...january,
        cancelled('r1', '2026-03-01T00:00:00Z'),
        activated('r1', vr, '2026-04-15T00:00:00Z'),
      )
      .asOf('2026-08-01T00:00:00Z');
    outcome.thenReferral('r1', { status: 'forfeited', reason: 'referee_not_active' });
    expect(cashOf(outcome)).toEqual([]);
  });
});
