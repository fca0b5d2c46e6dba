import type Stripe from 'stripe';
import { mapCustomerCreated, mapCustomerUpdated } from './map-customer';
import {
  mapChargeRefunded,
  mapInvoicePaid,
  mapInvoicePaymentFailed,
  mapRefundCreated,
} from './map-payment';
import {
  mapSubscriptionCreated,
  mapSubscriptionDeleted,
  mapSubscriptionUpdated,
} from './map-subscription';
import type { Mapping, MappingContext } from './mapping';

/** The Stripe event types the mapping reads: the ones to enable on the webhook endpoint. */
export const MAPPED_STRIPE_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice_payment.paid',
  'refund.created',
  'charge.refunded',
] as const;

/**
 * Stripe event → contract events: pure, so the live webhook and a later
 * remap of the raw stream give the same events for the same Stripe event.
 */
export function mapStripeEvent(event: Stripe.Event, context: MappingContext): Mapping {
  switch (event.type) {
    case 'customer.created':
      return mapCustomerCreated(event, context);
    case 'customer.updated':
      return mapCustomerUpdated(event, context);
    case 'customer.subscription.created':
      return mapSubscriptionCreated(event, context);
    case 'customer.subscription.updated':
      return mapSubscriptionUpdated(event, context);
    case 'customer.subscription.deleted':
      return mapSubscriptionDeleted(event, context);
    case 'invoice.paid':
      return mapInvoicePaid(event, context);
    case 'invoice.payment_failed':
      return mapInvoicePaymentFailed(event, context);
    case 'invoice_payment.paid':
      // Read for its link from payment to invoice (refunds need it); no contract event of its own.
      return { kind: 'ignored', reason: 'links a payment to its invoice' };
    case 'refund.created':
      return mapRefundCreated(event, context);
    case 'charge.refunded':
      return mapChargeRefunded(event, context);
    default:
      return { kind: 'unmapped' };
  }
}
