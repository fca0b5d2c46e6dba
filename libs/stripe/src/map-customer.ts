import { email, identifier, identifierOf, shortText } from '@referrals/contracts';
import type Stripe from 'stripe';
import type { z } from 'zod';
import { contractIdOf, ignored, mapped, Mapping, MappingContext } from './mapping';
import { idOf, isoOf, metadataValue } from './stripe-objects';
import { ownValue, type ReferralOfDiscount, type StripeProgramSettings } from './stripe-settings';

/** Customer metadata keys the mapping reads (set them in Checkout, the API or the dashboard). */
export const METADATA = {
  referralCode: 'referralCode',
  referrerAccountId: 'referrerAccountId',
  organizationId: 'organizationId',
  partner: 'partner',
} as const;

/**
 * `customer.created` → `account.signed_up`. The account is the Stripe
 * customer. Attribution comes from the customer's metadata first, then from
 * the promotion code or coupon of its discount when configuration says whose
 * it is.
 */
export function mapCustomerCreated(
  event: Stripe.CustomerCreatedEvent,
  context: MappingContext,
): Mapping {
  const customer = event.data.object;
  return mapped({
    id: contractIdOf(event),
    type: 'account.signed_up',
    program: context.program,
    accountId: customer.id,
    occurredAt: isoOf(customer.created),
    data: { ...referralOf(customer, context.settings), ...detailsOf(customer) },
  });
}

/** `customer.updated` → `account.updated`, when what changed is something the engine keeps. */
export function mapCustomerUpdated(
  event: Stripe.CustomerUpdatedEvent,
  context: MappingContext,
): Mapping {
  const customer = event.data.object;
  const before = event.data.previous_attributes ?? {};
  const relevant = 'email' in before || 'name' in before || metadataChanged(customer, before);
  if (!relevant) return ignored('no change to email, name, organizationId or partner');
  return mapped({
    id: contractIdOf(event),
    type: 'account.updated',
    program: context.program,
    accountId: customer.id,
    // A customer has no "updated at": the event's creation is when it changed.
    occurredAt: isoOf(event.created),
    data: detailsOf(customer),
  });
}

function metadataChanged(customer: Stripe.Customer, before: Partial<Stripe.Customer>): boolean {
  if (!before.metadata) return false;
  return [METADATA.organizationId, METADATA.partner].some(
    (key) => metadataValue(before.metadata, key) !== metadataValue(customer.metadata, key),
  );
}

function detailsOf(customer: Stripe.Customer) {
  const organizationId = valid(
    identifier,
    metadataValue(customer.metadata, METADATA.organizationId),
  );
  const partner = metadataValue(customer.metadata, METADATA.partner);
  const mail = valid(email, customer.email ?? undefined);
  const name = valid(shortText(200), customer.name?.slice(0, 200));
  return {
    ...(mail ? { email: mail } : {}),
    ...(name ? { name } : {}),
    ...(organizationId ? { organizationId } : {}),
    ...(partner === 'true' || partner === 'false' ? { partner: partner === 'true' } : {}),
  };
}

/**
 * A Stripe value the contract would refuse is left out rather than losing the
 * whole signup or update with it (Stripe is laxer about emails and lengths).
 */
function valid(schema: z.ZodType, value: string | undefined): string | undefined {
  return value !== undefined && schema.safeParse(value).success ? value : undefined;
}

function referralOf(
  customer: Stripe.Customer,
  settings: StripeProgramSettings,
): ReferralOfDiscount | Record<string, never> {
  const referrerAccountId = valid(
    identifier,
    metadataValue(customer.metadata, METADATA.referrerAccountId),
  );
  if (referrerAccountId) return { referrerAccountId };
  // A code longer than any code could be finds no referrer either way.
  const referralCode = valid(
    identifierOf(64),
    metadataValue(customer.metadata, METADATA.referralCode),
  );
  if (referralCode) return { referralCode };
  return referralOfDiscount(customer.discount, settings) ?? {};
}

/** The configured referral behind a discount: its promotion code (by id or by the code typed), else its coupon. */
export function referralOfDiscount(
  discount: Stripe.Discount | null | undefined,
  settings: StripeProgramSettings,
): ReferralOfDiscount | undefined {
  if (!discount) return undefined;
  const promotion = discount.promotion_code;
  const keys = [
    idOf(promotion),
    typeof promotion === 'object' && promotion ? promotion.code : undefined,
    idOf(discount.source?.coupon),
  ];
  for (const key of keys) {
    const referral = key ? ownValue(settings.promotions, key) : undefined;
    if (referral) return referral;
  }
  return undefined;
}
