import type Stripe from 'stripe';
import { idOf } from './stripe-objects';

/**
 * A Stripe refund names its payment (payment intent, charge), not its
 * invoice, and may not name its customer. The payments an invoice was paid
 * with arrive earlier, in `invoice_payment.paid` (and in `invoice.paid` when it
 * carries its `payments`). A link records one such fact so a later refund can
 * find its invoice and account.
 */
export type PaymentLink =
  | { readonly kind: 'payment'; readonly key: string; readonly invoiceId: string }
  | { readonly kind: 'invoice'; readonly key: string; readonly customerId: string };

/** What the mapping may ask about earlier Stripe events of the same program. */
export interface PaymentLinks {
  invoiceOfPayment(paymentId: string): string | undefined;
  customerOfInvoice(invoiceId: string): string | undefined;
}

/** The links a Stripe event carries (most carry none). */
export function linksIn(event: Stripe.Event): PaymentLink[] {
  switch (event.type) {
    case 'invoice_payment.paid': {
      const payment = event.data.object;
      const invoiceId = idOf(payment.invoice);
      return invoiceId
        ? paymentKeys(payment.payment).map((key) => paymentLink(key, invoiceId))
        : [];
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const links: PaymentLink[] = [];
      const customerId = idOf(invoice.customer);
      if (invoice.id && customerId) links.push({ kind: 'invoice', key: invoice.id, customerId });
      for (const payment of invoice.payments?.data ?? [])
        if (invoice.id)
          links.push(...paymentKeys(payment.payment).map((key) => paymentLink(key, invoice.id!)));
      return links;
    }
    default:
      return [];
  }
}

const paymentLink = (key: string, invoiceId: string): PaymentLink => ({
  kind: 'payment',
  key,
  invoiceId,
});

function paymentKeys(payment: Stripe.InvoicePayment.Payment): string[] {
  return [idOf(payment.payment_intent), idOf(payment.charge)].filter(
    (id): id is string => id !== undefined,
  );
}

/** Links held in memory: the remap builds them from the whole raw stream before mapping. */
export class InMemoryPaymentLinks implements PaymentLinks {
  private readonly invoices = new Map<string, string>();
  private readonly customers = new Map<string, string>();

  add(links: readonly PaymentLink[]): void {
    for (const link of links) {
      // The first fact wins, as in the store (one stream per key, first event read).
      if (link.kind === 'payment' && !this.invoices.has(link.key))
        this.invoices.set(link.key, link.invoiceId);
      if (link.kind === 'invoice' && !this.customers.has(link.key))
        this.customers.set(link.key, link.customerId);
    }
  }

  invoiceOfPayment(paymentId: string) {
    return this.invoices.get(paymentId);
  }

  customerOfInvoice(invoiceId: string) {
    return this.customers.get(invoiceId);
  }
}

/** The payments a refund event refers to: what the mapping will ask links about. */
export function paymentsReferredBy(event: Stripe.Event): string[] {
  const refunds: Stripe.Refund[] = [];
  const ids: (string | undefined)[] = [];
  if (event.type === 'refund.created') refunds.push(event.data.object);
  if (event.type === 'charge.refunded') {
    const charge = event.data.object;
    refunds.push(...(charge.refunds?.data ?? []));
    ids.push(charge.id, idOf(charge.payment_intent));
  }
  for (const refund of refunds) ids.push(idOf(refund.payment_intent), idOf(refund.charge));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}
