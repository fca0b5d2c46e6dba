import type { BillingEvent } from '@referrals/contracts';

/**
 * A history of all three programs as of NOW, chosen so the portal has every
 * kind of progress to show: CallRail referrals with invoices still to go and
 * credit paid, KallyAI minutes with their expiry, Smith.ai cash checks still
 * to come (with the amount at stake) and one that has fired.
 */
export const NOW = '2026-06-15T12:00:00Z';

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
  event('callrail', 'account.signed_up', 'agency-a', '2026-01-05'),
  event('callrail', 'subscription.activated', 'agency-a', '2026-01-05', { plan: 'pro' }),
  event('callrail', 'referral_code.assigned', 'agency-a', '2026-01-06', { code: 'CR-AGENCYA' }),
  ...referee('callrail', 'x-corp', 'CR-AGENCYA', '2026-04-01', { plan: 'starter' }),
  ...payments('callrail', 'x-corp', ['2026-04-01', '2026-05-01'], 4500),
  ...referee('callrail', 'y-corp', 'CR-AGENCYA', '2026-02-03', { plan: 'pro' }),
  ...payments(
    'callrail',
    'y-corp',
    ['2026-02-03', '2026-03-05', '2026-04-03', '2026-05-03'],
    14500,
  ),
  ...referee('callrail', 'z-corp', 'CR-AGENCYA', '2026-01-20', { plan: 'premium' }),
  ...payments(
    'callrail',
    'z-corp',
    ['2026-01-20', '2026-02-20', '2026-03-20', '2026-04-20'],
    29500,
  ),
  // KallyAI: alice (a Pro subscriber) refers bob (Pro, this month) and carol (Starter, last month).
  event('kallyai', 'account.signed_up', 'alice', '2026-01-02'),
  event('kallyai', 'subscription.activated', 'alice', '2026-01-02', { plan: 'pro' }),
  event('kallyai', 'referral_code.assigned', 'alice', '2026-01-03', { code: 'ALICE-KALLY' }),
  ...referee('kallyai', 'bob', 'ALICE-KALLY', '2026-06-01', { plan: 'pro' }),
  ...referee('kallyai', 'carol', 'ALICE-KALLY', '2026-05-10', { plan: 'starter' }),
  // Smith.ai: the firm refers r1 (VR, check in August), r2 (Voice Assistant, check in July), r3 (VR, checked in April).
  event('smithai', 'account.signed_up', 'firm', '2025-12-01', { organizationId: 'org-firm' }),
  event('smithai', 'subscription.activated', 'firm', '2025-12-01', {
    plan: 'vr-200',
    product: 'virtual_receptionist',
  }),
  event('smithai', 'referral_code.assigned', 'firm', '2025-12-02', { code: 'SMITH-FIRM' }),
  ...referee('smithai', 'r1', 'SMITH-FIRM', '2026-05-12', {
    plan: 'vr-50',
    product: 'virtual_receptionist',
  }),
  ...payments('smithai', 'r1', ['2026-05-12'], 29200),
  ...referee('smithai', 'r2', 'SMITH-FIRM', '2026-04-03', {
    plan: 'va-basic',
    product: 'voice_assistant',
  }),
  ...payments('smithai', 'r2', ['2026-04-03'], 9500),
  ...referee('smithai', 'r3', 'SMITH-FIRM', '2026-01-12', {
    plan: 'vr-50',
    product: 'virtual_receptionist',
  }),
  ...payments('smithai', 'r3', ['2026-01-12', '2026-02-12', '2026-03-12'], 29200),
];
