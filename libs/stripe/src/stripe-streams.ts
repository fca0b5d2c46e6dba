import { createHash } from 'node:crypto';
import type { EventToAppend, StreamWrite } from '@referrals/event-store';
import type Stripe from 'stripe';
import type { PaymentLink } from './payment-links';

/**
 * Stream layout of Stripe input: every Stripe event as received, in one raw
 * stream per program (so a fixed mapping can be replayed over it), and one
 * small stream per payment link (so a refund finds its invoice without
 * reading the raw stream).
 */
export const STRIPE_RAW_STREAM_PREFIX = 'stripe-raw:';
export const STRIPE_LINK_STREAM_PREFIX = 'stripe-link:';

export const rawStripeStream = (program: string) => `${STRIPE_RAW_STREAM_PREFIX}${program}`;
export const paymentLinkStream = (program: string, link: Pick<PaymentLink, 'kind' | 'key'>) =>
  `${STRIPE_LINK_STREAM_PREFIX}${program}:${link.kind}:${link.key}`;

const digest = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/** Stripe's event id is the idempotency key of the raw stream: a redelivery is a duplicate. */
export const rawStripeEventId = (program: string, stripeEventId: string) =>
  `stripe-raw-${digest(program, stripeEventId)}`;

export const RAW_STRIPE_EVENT = 'StripeEventReceived';
export const PAYMENT_LINKED = 'StripePaymentLinked';

/** The writes that keep one received Stripe event: the raw event and any links it carries. */
export function rawStripeWrites(
  program: string,
  event: Stripe.Event,
  links: readonly PaymentLink[],
  receivedAt: string,
): StreamWrite[] {
  const raw: EventToAppend = {
    eventId: rawStripeEventId(program, event.id),
    type: RAW_STRIPE_EVENT,
    data: event,
    metadata: { receivedAt, stripeType: event.type },
  };
  return [
    { streamId: rawStripeStream(program), events: [raw], expectedVersion: 'any' },
    ...links.map((link) => ({
      streamId: paymentLinkStream(program, link),
      expectedVersion: 'any' as const,
      events: [
        {
          eventId: `stripe-link-${digest(program, link.kind, link.key)}`,
          type: PAYMENT_LINKED,
          data: link,
        },
      ],
    })),
  ];
}
