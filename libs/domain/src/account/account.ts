import type { BillingEvent } from '@referrals/contracts';
import { Instant, parseInstant } from '../time/calendar';

/**
 * What the referral rules need to know of one account of one program, folded
 * from its billing facts in `occurredAt` order. The engine mutates it in place
 * (it is the hot path of replay); deciders only ever see it read-only.
 */
export interface AccountState {
  readonly accountId: string;
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
  firstActivation?: { readonly at: Instant; readonly plan: string; readonly product?: string };
  firstPaymentAt?: Instant;
  /** Invoices paid with a non-zero amount, by id, and when (if) they were refunded in full. */
  readonly invoices: Map<string, InvoiceState>;
  /** Paid invoices not refunded in full: what "successful payments" counts. */
  successfulPayments: number;
  readonly paymentFingerprints: Set<string>;
}

export interface InvoiceState {
  paidAmount: number;
  refundedAmount: number;
  refundedAt?: Instant;
}

export type AccountView = Readonly<Omit<AccountState, 'invoices' | 'paymentFingerprints'>> & {
  readonly invoices: ReadonlyMap<string, Readonly<InvoiceState>>;
  readonly paymentFingerprints: ReadonlySet<string>;
};

export const newAccount = (accountId: string): AccountState => ({
  accountId,
  partner: false,
  active: false,
  invoices: new Map(),
  successfulPayments: 0,
  paymentFingerprints: new Set(),
});

/** Folds one billing fact into the account. */
export function applyBillingFact(
  account: AccountState,
  event: BillingEvent,
  at: Instant = parseInstant(event.occurredAt),
): void {
  switch (event.type) {
    case 'account.signed_up':
      account.signedUpAt ??= at;
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
      account.firstActivation ??= { at, plan: event.data.plan, product: event.data.product };
      return;
    case 'subscription.plan_changed':
      account.plan = event.data.plan;
      account.product = event.data.product;
      return;
    case 'subscription.cancelled':
      account.active = false;
      return;
    case 'payment.succeeded':
      if (event.data.paymentMethodFingerprint) {
        account.paymentFingerprints.add(event.data.paymentMethodFingerprint);
      }
      recordPayment(account, event.data.invoiceId, event.data.amount, at);
      return;
    case 'payment.failed':
      // A failed attempt neither counts nor undoes an earlier success of the invoice.
      return;
    case 'payment.refunded':
      recordRefund(account, event.data.invoiceId, event.data.amount, at);
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

/** A zero-amount invoice is no payment: nothing was collected, so it never counts. */
function recordPayment(account: AccountState, invoiceId: string, amount: number, at: Instant) {
  if (amount === 0) return;
  const invoice = account.invoices.get(invoiceId);
  if (!invoice) {
    account.invoices.set(invoiceId, { paidAmount: amount, refundedAmount: 0 });
    account.successfulPayments += 1;
    account.firstPaymentAt ??= at;
    return;
  }
  // The same invoice paid again (a retry after a refund, or a second delivery under a new id).
  const wasCounted = counts(invoice);
  invoice.paidAmount = Math.max(invoice.paidAmount, amount);
  if (invoice.refundedAt !== undefined) {
    invoice.refundedAmount = 0;
    invoice.refundedAt = undefined;
  }
  if (!wasCounted && counts(invoice)) account.successfulPayments += 1;
}

/** A refund stops the invoice counting once the whole paid amount is refunded; a partial one does not. */
function recordRefund(account: AccountState, invoiceId: string, amount: number, at: Instant) {
  const invoice = account.invoices.get(invoiceId);
  if (!invoice) return;
  const wasCounted = counts(invoice);
  invoice.refundedAmount += amount;
  if (wasCounted && !counts(invoice)) {
    invoice.refundedAt = at;
    account.successfulPayments -= 1;
  }
}

const counts = (invoice: InvoiceState) => invoice.refundedAmount < invoice.paidAmount;

/**
 * Successful payments as a referral sees them: refunds count against it only
 * while the referral was undecided (`until`), so a decision's count never shrinks.
 */
export function successfulPaymentsFor(account: AccountView, refundsCountUntil?: Instant): number {
  if (refundsCountUntil === undefined) return account.successfulPayments;
  let count = 0;
  for (const invoice of account.invoices.values()) {
    if (invoice.refundedAt === undefined || invoice.refundedAt > refundsCountUntil) count += 1;
  }
  return count;
}
