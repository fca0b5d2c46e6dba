import type Stripe from 'stripe';
import type { BillingEvent } from '@referrals/contracts';
import {
  contractIdOf,
  ignored,
  mapped,
  Mapping,
  MappingContext,
  refundContractId,
  unmappable,
} from './mapping';
import { currencyOf, idOf, isoOf, metadataValue } from './stripe-objects';

/** `invoice.paid` → `payment.succeeded` for the amount paid, at the moment it was paid. */
export function mapInvoicePaid(event: Stripe.InvoicePaidEvent, context: MappingContext): Mapping {
  const invoice = event.data.object;
  const accountId = idOf(invoice.customer);
  if (!invoice.id || !accountId) return ignored('an invoice without a customer');
  const fingerprint = fingerprintOf(invoice);
  const periodEnd = periodEndOf(invoice);
  return mapped({
    id: contractIdOf(event),
    type: 'payment.succeeded',
    program: context.program,
    accountId,
    occurredAt: isoOf(invoice.status_transitions.paid_at ?? event.created),
    data: {
      invoiceId: invoice.id,
      amount: invoice.amount_paid,
      currency: currencyOf(invoice.currency),
      ...(fingerprint ? { paymentMethodFingerprint: fingerprint } : {}),
      ...(periodEnd ? { currentPeriodEnd: periodEnd } : {}),
    },
  });
}

/** `invoice.payment_failed` → `payment.failed` for the amount due. */
export function mapInvoicePaymentFailed(
  event: Stripe.InvoicePaymentFailedEvent,
  context: MappingContext,
): Mapping {
  const invoice = event.data.object;
  const accountId = idOf(invoice.customer);
  if (!invoice.id || !accountId) return ignored('an invoice without a customer');
  return mapped({
    id: contractIdOf(event),
    type: 'payment.failed',
    program: context.program,
    accountId,
    // An invoice keeps no time of a failed attempt: the event's creation is it.
    occurredAt: isoOf(event.created),
    data: {
      invoiceId: invoice.id,
      amount: invoice.amount_due,
      currency: currencyOf(invoice.currency),
    },
  });
}

/** `refund.created` → `payment.refunded` of the refund's amount on the invoice its payment paid. */
export function mapRefundCreated(
  event: Stripe.RefundCreatedEvent,
  context: MappingContext,
): Mapping {
  const refund = event.data.object;
  if (refund.status === 'failed' || refund.status === 'canceled')
    return ignored(`refund ${refund.status}`);
  return refunded([refund], event.data.object.charge, context);
}

/**
 * `charge.refunded` → `payment.refunded` for each refund the charge lists.
 * Current API versions do not list them in the event; then `refund.created`
 * carries the refund, and this event is ignored rather than guessed from
 * `amount_refunded` (both enabled would count a refund twice).
 */
export function mapChargeRefunded(
  event: Stripe.ChargeRefundedEvent,
  context: MappingContext,
): Mapping {
  const charge = event.data.object;
  const refunds = (charge.refunds?.data ?? []).filter(
    (r) => r.status !== 'failed' && r.status !== 'canceled',
  );
  if (refunds.length === 0)
    return ignored('the charge lists no refunds: refund.created carries each refund');
  return refunded(refunds, charge, context);
}

function refunded(
  refunds: readonly Stripe.Refund[],
  charge: string | Stripe.Charge | null,
  context: MappingContext,
): Mapping {
  const events: BillingEvent[] = [];
  for (const refund of refunds) {
    const paymentIds = [
      idOf(refund.payment_intent),
      idOf(refund.charge),
      typeof charge === 'object' && charge ? idOf(charge.payment_intent) : undefined,
      idOf(charge ?? undefined),
    ].filter((id): id is string => id !== undefined);
    const invoiceId =
      paymentIds.map((id) => context.links.invoiceOfPayment(id)).find(Boolean) ??
      metadataValue(refund.metadata, 'invoiceId');
    if (!invoiceId)
      return unmappable(
        'data.object.payment_intent',
        `no invoice is known for payment ${paymentIds.join(', ') || '(none)'}: enable invoice_payment.paid on the endpoint`,
      );
    const accountId = idOf(refund.customer) ?? context.links.customerOfInvoice(invoiceId);
    if (!accountId)
      return unmappable('data.object.customer', `no customer is known for invoice ${invoiceId}`);
    events.push({
      id: refundContractId(refund.id),
      type: 'payment.refunded',
      program: context.program,
      accountId,
      occurredAt: isoOf(refund.created),
      data: { invoiceId, amount: refund.amount, currency: currencyOf(refund.currency) },
    });
  }
  return mapped(...events);
}

/** The end of the billing period the invoice pays for: its subscription lines' latest period end. */
function periodEndOf(invoice: Stripe.Invoice): string | undefined {
  const ends = invoice.lines.data
    .filter((line) => line.parent?.type === 'subscription_item_details')
    .filter((line) => !line.parent?.subscription_item_details?.proration)
    .map((line) => line.period.end);
  return ends.length > 0 ? isoOf(Math.max(...ends)) : undefined;
}

/** The card fingerprint, when the payload carries an expanded charge or payment method. */
function fingerprintOf(invoice: Stripe.Invoice): string | undefined {
  for (const payment of invoice.payments?.data ?? []) {
    const charge = payment.payment.charge;
    const fingerprint =
      typeof charge === 'object' ? charge.payment_method_details?.card?.fingerprint : undefined;
    if (fingerprint) return fingerprint;
  }
  const method = invoice.default_payment_method;
  return (typeof method === 'object' && method?.card?.fingerprint) || undefined;
}
