import type { BillingEvent } from '@referrals/contracts';

/**
 * A history of all three programs, dated relative to today so that the
 * engine's own clock sees it as the portal would: CallRail referrals with
 * invoices still to go and credit paid, KallyAI minutes with their expiry
 * (one still running, one lapsed), Smith.ai cash checks still to come (with
 * the amount at stake) and one that has fired.
 */
const today = new Date();

/** `YYYY-MM-DD` of a day `months` calendar months from this one (UTC). */
export const monthDay = (months: number, day: number) =>
  new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + months, day))
    .toISOString()
    .slice(0, 10);

/** `YYYY-MM-DD` of `days` days before today. */
export const daysAgo = (days: number) =>
  new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);

/** The dates the assertions look for. */
export const DATES = {
  xCorpSignup: monthDay(-2, 1),
  bobSignup: daysAgo(14),
  r1Signup: monthDay(-1, 12),
  r1Check: monthDay(2, 1),
  r2Check: monthDay(1, 1),
  r3Check: monthDay(-1, 1),
};

let n = 0;
const event = (
  program: string,
  type: BillingEvent['type'],
  accountId: string,
  occurredAt: string,
  data: Record<string, unknown> = {},
) =>
  ({
    id: `portal-${++n}`,
    type,
    program,
    accountId,
    occurredAt: `${occurredAt}T10:00:00Z`,
    data,
  }) as BillingEvent;

const payments = (program: string, accountId: string, dates: string[], amount: number) =>
  dates.map((d, i) =>
    event(program, 'payment.succeeded', accountId, d, {
      invoiceId: `${accountId}-inv-${i + 1}`,
      amount,
      currency: 'USD',
    }),
  );

const referee = (
  program: string,
  accountId: string,
  code: string,
  day: string,
  subscription: Record<string, unknown>,
) => [
  event(program, 'account.signed_up', accountId, day, { referralCode: code }),
  event(program, 'subscription.activated', accountId, day, subscription),
];

export const portalHistory = (): BillingEvent[] => [
  // CallRail: agency-a refers three agencies.
  event('callrail', 'account.signed_up', 'agency-a', monthDay(-8, 5)),
  event('callrail', 'subscription.activated', 'agency-a', monthDay(-8, 5), { plan: 'pro' }),
  event('callrail', 'referral_code.assigned', 'agency-a', monthDay(-8, 6), { code: 'CR-AGENCYA' }),
  ...referee('callrail', 'x-corp', 'CR-AGENCYA', DATES.xCorpSignup, { plan: 'starter' }),
  ...payments('callrail', 'x-corp', [monthDay(-2, 1), monthDay(-1, 1)], 4500),
  ...referee('callrail', 'y-corp', 'CR-AGENCYA', monthDay(-5, 3), { plan: 'pro' }),
  ...payments(
    'callrail',
    'y-corp',
    [-5, -4, -3, -2].map((m) => monthDay(m, 3)),
    14500,
  ),
  ...referee('callrail', 'z-corp', 'CR-AGENCYA', monthDay(-6, 20), { plan: 'premium' }),
  ...payments(
    'callrail',
    'z-corp',
    [-6, -5, -4, -3].map((m) => monthDay(m, 20)),
    29500,
  ),
  // KallyAI: alice (a Pro subscriber) refers bob (Pro, two weeks ago) and carol (Starter, lapsed).
  event('kallyai', 'account.signed_up', 'alice', monthDay(-6, 2)),
  event('kallyai', 'subscription.activated', 'alice', monthDay(-6, 2), { plan: 'pro' }),
  event('kallyai', 'referral_code.assigned', 'alice', monthDay(-6, 3), { code: 'ALICE-KALLY' }),
  ...referee('kallyai', 'bob', 'ALICE-KALLY', DATES.bobSignup, { plan: 'pro' }),
  ...referee('kallyai', 'carol', 'ALICE-KALLY', monthDay(-3, 10), { plan: 'starter' }),
  // Smith.ai: the firm refers r1 (VR, its check in two months), r2 (Voice Assistant, next month)
  // and r3 (VR, checked last month).
  event('smithai', 'account.signed_up', 'firm', monthDay(-9, 1), { organizationId: 'org-firm' }),
  event('smithai', 'subscription.activated', 'firm', monthDay(-9, 1), {
    plan: 'vr-200',
    product: 'virtual_receptionist',
  }),
  event('smithai', 'referral_code.assigned', 'firm', monthDay(-9, 2), { code: 'SMITH-FIRM' }),
  ...referee('smithai', 'r1', 'SMITH-FIRM', DATES.r1Signup, {
    plan: 'vr-50',
    product: 'virtual_receptionist',
  }),
  ...payments('smithai', 'r1', [DATES.r1Signup], 29200),
  ...referee('smithai', 'r2', 'SMITH-FIRM', monthDay(-2, 3), {
    plan: 'va-basic',
    product: 'voice_assistant',
  }),
  ...payments('smithai', 'r2', [monthDay(-2, 3)], 9500),
  ...referee('smithai', 'r3', 'SMITH-FIRM', monthDay(-4, 12), {
    plan: 'vr-50',
    product: 'virtual_receptionist',
  }),
  ...payments(
    'smithai',
    'r3',
    [-4, -3, -2].map((m) => monthDay(m, 12)),
    29200,
  ),
];
