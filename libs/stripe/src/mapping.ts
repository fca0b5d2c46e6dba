import type { BillingEvent, Problem } from '@referrals/contracts';
import type Stripe from 'stripe';
import type { PaymentLinks } from './payment-links';
import type { StripeProgramSettings } from './stripe-settings';

/** What the mapping of one Stripe event needs besides the event. */
export interface MappingContext {
  readonly program: string;
  readonly settings: StripeProgramSettings;
  readonly links: PaymentLinks;
}

/**
 * The mapping's answer for one Stripe event:
 * - `mapped`: the contract events it stands for (one, or one per refund);
 * - `ignored`: a mapped type whose change means nothing to referrals (a
 *   customer's address, a subscription set to cancel at period end);
 * - `unmapped`: a type the mapping does not read;
 * - `unmappable`: it should become contract events but cannot, as configured
 *   (a price with no plan, a refund of an unknown payment); each problem says why.
 */
export type Mapping =
  | { readonly kind: 'mapped'; readonly events: readonly BillingEvent[] }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'unmapped' }
  | { readonly kind: 'unmappable'; readonly problems: readonly Problem[] };

export const mapped = (...events: BillingEvent[]): Mapping => ({ kind: 'mapped', events });
export const ignored = (reason: string): Mapping => ({ kind: 'ignored', reason });
export const unmappable = (path: string, rule: string): Mapping => ({
  kind: 'unmappable',
  problems: [{ path, rule }],
});

/**
 * The contract id of what a Stripe event says: Stripe's own id, so a retry or
 * a duplicate delivery of the event is a duplicate of the contract event too.
 */
export const contractIdOf = (stripeEvent: Pick<Stripe.Event, 'id'>) => `stripe:${stripeEvent.id}`;

/** A refund's contract id follows the refund, which two Stripe event types can report. */
export const refundContractId = (refundId: string) => `stripe:${refundId}`;
