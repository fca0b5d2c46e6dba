import type { BillingEvent } from '@referrals/contracts';
import fc from 'fast-check';
import {
  activated,
  cancelled,
  codeAssigned,
  Fact,
  paid,
  paymentFailed,
  planChanged,
  refunded,
  signedUp,
  toBillingEvent,
  updated,
} from './billing-facts';

/**
 * Random, contract-valid billing histories across the three built-in programs: a few
 * accounts per program signing up with codes or referrer ids, activating, changing plans,
 * paying (failed, refunded, the same invoice twice), cancelling, over about six months.
 *
 * Now and then an event names `currentPeriodEnd`, refunds part of an invoice, or lands at
 * 00:00 UTC on the first of a month, the instant a Smith.ai check falls due.
 *
 * Every `occurredAt` is distinct: ties are decided by arrival order (CONTRACT §1), so a
 * shuffle would legitimately change the outcome of a tie. Codes are per account
 * (`A-CODE0`, `A-CODE1`), so no two accounts ever claim the same code and a shuffle cannot turn
 * a valid history into a code conflict.
 */

export const ACCOUNTS = ['a', 'b', 'c', 'd'] as const;
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 2 ** 24; // seconds, about six and a half months
/** Just after the last event any history can hold. */
export const HISTORY_END = START + SPAN * 1000;

const PLANS: Record<string, readonly string[]> = {
  kallyai: ['starter', 'pro', 'power'],
  callrail: ['starter', 'pro', 'premium'],
  smithai: ['vr-50', 'va-basic', 'any-plan'],
};
const PRODUCTS = ['virtual_receptionist', 'voice_assistant', 'chat', 'outreach'];
const codeOf = (account: string, k: number) => `${account.toUpperCase()}-CODE${k}`;
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

/** Now and then the billing cycle an event starts or pays for: it ends 1 to 40 days after it. */
const periodEnd = fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined, freq: 2 });
const withPeriodEnd =
  <D extends object>(data: D, days: number | undefined) =>
  (at: string) =>
    days === undefined
      ? data
      : { ...data, currentPeriodEnd: new Date(Date.parse(at) + days * 86_400_000).toISOString() };

const subscription = (program: string) =>
  fc.tuple(
    program === 'smithai'
      ? fc.record({ plan: pick(PLANS.smithai), product: pick(PRODUCTS) })
      : fc.record({ plan: pick(PLANS[program]) }),
    periodEnd,
  );

/** Mostly the account's own; now and then one it shares with another (a self-referral). */
const ownOrShared = (own: string, shared: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constant(shared) },
  );

const details = (account: string) => ({
  email: fc.oneof(
    ownOrShared(`${account}@example.com`, 'shared@example.com'),
    fc.constant(`${account.toUpperCase()}@EXAMPLE.com`),
  ),
  organizationId: ownOrShared(`org-${account}`, 'org-shared'),
  partner: fc.oneof(
    { weight: 3, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

const invoice = (account: string) =>
  fc.record({
    invoiceId: fc.integer({ min: 1, max: 8 }).map((n) => `${account}-inv-${n}`),
    amount: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 6, arbitrary: pick([900, 2900, 29200]) },
    ),
  });

/** One fact of one account, at a time filled in later. */
const factOf = (program: string, account: string): fc.Arbitrary<(at: string) => Fact> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.record({
              referralCode: fc.oneof(
                fc
                  .tuple(pick(ACCOUNTS), fc.integer({ min: 0, max: 1 }))
                  .map(([a, k]) => codeOf(a, k)),
                fc.constant('NOBODY-HAS-IT'),
              ),
            }),
            fc.record({ referrerAccountId: pick(ACCOUNTS) }),
            fc.constant({}),
          ),
          fc.record(details(account), { requiredKeys: [] }),
        )
        .map(([by, more]) => ({ ...by, ...more }))
        .map((data) => (at: string) => signedUp(account, data, at)),
    },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 0, max: 1 })
        .map((k) => (at: string) => codeAssigned(account, codeOf(account, k), at)),
    },
    {
      weight: 1,
      arbitrary: fc
        .record(details(account), { requiredKeys: [] })
        .map((data) => (at: string) => updated(account, data, at)),
    },
    {
      weight: 4,
      arbitrary: subscription(program).map(
        ([d, days]) =>
          (at: string) =>
            activated(account, withPeriodEnd(d, days)(at), at),
      ),
    },
    {
      weight: 2,
      arbitrary: subscription(program).map(
        ([d, days]) =>
          (at: string) =>
            planChanged(account, withPeriodEnd(d, days)(at), at),
      ),
    },
    { weight: 1, arbitrary: fc.constant((at: string) => cancelled(account, at)) },
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          invoice(account),
          fc.option(ownOrShared(`fp-${account}`, 'fp-shared'), { nil: undefined }),
          periodEnd,
        )
        .map(
          ([inv, fp, days]) =>
            (at: string) =>
              paid(
                account,
                withPeriodEnd({ ...inv, ...(fp && { paymentMethodFingerprint: fp }) }, days)(at),
                at,
              ),
        ),
    },
    {
      weight: 1,
      arbitrary: invoice(account).map((inv) => (at: string) => paymentFailed(account, inv, at)),
    },
    {
      weight: 1,
      arbitrary: invoice(account).map((inv) => (at: string) => refunded(account, inv, at)),
    },
    // A partial refund: alone it leaves the invoice counting; refunds of one invoice add up.
    {
      weight: 1,
      arbitrary: fc
        .record({
          invoiceId: fc.integer({ min: 1, max: 8 }).map((n) => `${account}-inv-${n}`),
          amount: pick([450, 1450, 14600]),
        })
        .map((inv) => (at: string) => refunded(account, inv, at)),
    },
  );

/** 00:00 UTC on the first of each month of the span: where checks fall due, so events land on them too. */
const MONTH_STARTS = [1, 2, 3, 4, 5, 6].map((m) => (Date.UTC(2026, m, 1) - START) / 1000);
const offset = fc.oneof(
  // Unbiased, or the times would crowd into the first seconds.
  { weight: 12, arbitrary: fc.noBias(fc.integer({ min: 0, max: SPAN - 1 })) },
  { weight: 1, arbitrary: pick(MONTH_STARTS) },
);

const stepIn = (programs: readonly string[]) =>
  fc
    .tuple(pick(programs), pick(ACCOUNTS))
    .chain(([program, account]) => factOf(program, account).map((make) => ({ program, make })));

/**
 * A history of one to three programs in arrival order = `occurredAt` order, each event
 * with its own id; the facts come in random order, at increasing random times.
 */
export const billingHistory = (maxLength = 100): fc.Arbitrary<BillingEvent[]> =>
  fc
    .subarray(Object.keys(PLANS), { minLength: 1 })
    .chain((programs) => fc.array(stepIn(programs), { minLength: 1, maxLength, size: 'max' }))
    .chain((steps) =>
      fc
        .uniqueArray(offset, {
          minLength: steps.length,
          maxLength: steps.length,
          size: 'max',
        })
        .map((offsets) => {
          const times = [...offsets].sort((x, y) => x - y);
          return steps.map(({ program, make }, i) => {
            const at = new Date(START + times[i] * 1000).toISOString();
            return { ...toBillingEvent(make(at), program, i), id: `evt-${i}` };
          });
        }),
    );
