import type { BillingEvent } from '@referrals/contracts';
import { Instant, parseInstant } from '../time/calendar';

/**
 * What the referral rules need to know of one account of one program, folded
 * from its billing facts in `occurredAt` order. The engine mutates it in place
 * (it is the hot path of replay); deciders only ever see it read-only.
 */
export interface AccountState {
  readonly accountId: string;
  /** The first `account.signed_up`; a later one is ignored whole (CONTRACT §2). */
  signedUpAt?: Instant;
  email?: string;
  organizationId?: string;
  name?: string;
  partner: boolean;
  /** The code that attributes new signups now; earlier codes no longer do. */
  code?: string;
  active: boolean;
  plan?: string;
  product?: string;
  firstActivation?: FirstActivation;
  /** The first `payment.succeeded` with an amount: a later refund does not move it. */
  firstPaymentAt?: Instant;
  /** The `currentPeriodEnd` of the latest (by `occurredAt`) event that named one. */
  billingCycle?: { readonly endsAt: Instant; readonly knownAt: Instant };
  /** The latest (by `occurredAt`) of the account's `payment.succeeded` and `payment.failed`. */
  lastPaymentAttempt?: { readonly failed: boolean; readonly at: Instant };
  /**
   * What each invoice's first `payment.succeeded` with an amount collected, by
   * invoice id: one number an invoice, the replay keeps one per payment.
   */
  readonly paidInvoices: Map<string, number>;
  /** Refunds by invoice id, added up in whatever order they arrive; made at the first refund. */
  refundedInvoices?: Map<string, number>;
  /** Invoices paid with an amount and refunded by less than it: CONTRACT §2's successful payments. */
  successfulPayments: number;
  /** The cards it paid with (an account has a few: a list costs less than a Set). */
  readonly paymentFingerprints: string[];
}

export interface FirstActivation {
  readonly at: Instant;
  readonly plan: string;
  readonly product?: string;
  /** The account was a subscriber before it signed up: no activation of it is a first one after referral. */
  readonly beforeSignup: boolean;
}

export type AccountView = Readonly<
  Omit<AccountState, 'paidInvoices' | 'refundedInvoices' | 'paymentFingerprints'>
> & {
  readonly paidInvoices: ReadonlyMap<string, number>;
  readonly refundedInvoices?: ReadonlyMap<string, number>;
  readonly paymentFingerprints: readonly string[];
};

export const newAccount = (accountId: string): AccountState => ({
  accountId,
  partner: false,
  active: false,
  paidInvoices: new Map(),
  refundedInvoices: undefined,
  successfulPayments: 0,
  paymentFingerprints: [],
});

/** Folds one billing fact into the account. */
export function applyBillingFact(
  account: AccountState,
  event: BillingEvent,
  at: Instant = parseInstant(event.occurredAt),
): void {
  switch (event.type) {
    case 'account.signed_up':
      // Only the first signup counts; upstream sends account.updated for changes.
      if (account.signedUpAt !== undefined) return;
      account.signedUpAt = at;
      applyDetails(account, event.data);
      return;
    case 'account.updated':
      applyDetails(account, event.data);
      return;
    case 'referral_code.assigned':
      account.code = event.data.code;
      return;
    case 'subscription.activated':
      account.active = true;
      account.plan = event.data.plan;
      account.product = event.data.product;
      account.firstActivation ??= {
        at,
        plan: event.data.plan,
        product: event.data.product,
        beforeSignup: account.signedUpAt === undefined,
      };
      noteBillingCycle(account, event.data.currentPeriodEnd, at);
      return;
    case 'subscription.plan_changed':
      account.plan = event.data.plan;
      account.product = event.data.product;
      noteBillingCycle(account, event.data.currentPeriodEnd, at);
      return;
    case 'subscription.cancelled':
      account.active = false;
      return;
    case 'payment.succeeded':
      notePaymentMethod(account, event.data.paymentMethodFingerprint, event.data.amount);
      notePaymentAttempt(account, false, at);
      noteBillingCycle(account, event.data.currentPeriodEnd, at);
      recordPayment(account, event.data.invoiceId, event.data.amount, at);
      return;
    case 'payment.failed':
      // A failed attempt neither counts nor undoes an earlier success of the invoice.
      notePaymentAttempt(account, true, at);
      return;
    case 'payment.refunded':
      recordRefund(account, event.data.invoiceId, event.data.amount);
      return;
    default: {
      const exhaustive: never = event;
      throw new Error(`unhandled billing event ${JSON.stringify(exhaustive)}`);
    }
  }
}

function applyDetails(
  account: AccountState,
  details: { email?: string; organizationId?: string; name?: string; partner?: boolean },
): void {
  if (details.email !== undefined) account.email = details.email;
  if (details.organizationId !== undefined) account.organizationId = details.organizationId;
  if (details.name !== undefined) account.name = details.name;
  if (details.partner !== undefined) account.partner = details.partner;
}

// The live engine may apply an event older than one already applied: the latest
// by `occurredAt` wins (ties: the one applied last), as in a replay.
function noteBillingCycle(account: AccountState, periodEnd: string | undefined, at: Instant) {
  if (periodEnd === undefined) return;
  if (account.billingCycle && account.billingCycle.knownAt > at) return;
  account.billingCycle = { endsAt: parseInstant(periodEnd), knownAt: at };
}

/** A zero-amount invoice is no payment, so nobody "paid with" its card (CONTRACT §2). */
function notePaymentMethod(account: AccountState, card: string | undefined, amount: number) {
  if (card && amount > 0 && !account.paymentFingerprints.includes(card)) {
    account.paymentFingerprints.push(card);
  }
}

function notePaymentAttempt(account: AccountState, failed: boolean, at: Instant) {
  if (account.lastPaymentAttempt && account.lastPaymentAttempt.at > at) return;
  account.lastPaymentAttempt = { failed, at };
}

/**
 * A zero-amount invoice is no payment; the same invoice counts once however often it is
 * paid, and its amount is what its first payment collected (a repeat changes nothing).
 */
function recordPayment(account: AccountState, invoiceId: string, amount: number, at: Instant) {
  if (amount === 0) return;
  account.firstPaymentAt ??= at;
  if (account.paidInvoices.has(invoiceId)) return;
  account.paidInvoices.set(invoiceId, amount);
  if (amount > refundedOf(account, invoiceId)) account.successfulPayments += 1;
}

/** Refunds add up; the invoice stops counting once they reach what it collected. */
function recordRefund(account: AccountState, invoiceId: string, amount: number) {
  const wasCounted = counts(account, invoiceId);
  const refunds = (account.refundedInvoices ??= new Map());
  refunds.set(invoiceId, refundedOf(account, invoiceId) + amount);
  if (wasCounted && !counts(account, invoiceId)) account.successfulPayments -= 1;
}

const refundedOf = (account: AccountState, invoiceId: string) =>
  account.refundedInvoices?.get(invoiceId) ?? 0;

/** Paid with an amount, and refunded by less than it. */
function counts(account: AccountState, invoiceId: string) {
  const paid = account.paidInvoices.get(invoiceId) ?? 0;
  return paid > 0 && refundedOf(account, invoiceId) < paid;
}

/** CONTRACT §3 (Smith.ai): still a paying client, i.e. not in dunning and with a successful payment left. */
export const isPayingClient = (account: AccountView): boolean =>
  account.successfulPayments > 0 && account.lastPaymentAttempt?.failed !== true;
