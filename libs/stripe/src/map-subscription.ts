import type Stripe from 'stripe';
import { contractIdOf, ignored, mapped, Mapping, MappingContext, unmappable } from './mapping';
import { idOf, isoOf, metadataValue } from './stripe-objects';
import { ownValue, type PlanOfPrice, type StripeProgramSettings } from './stripe-settings';

/** Statuses in which the customer is a subscriber: a failed payment (past_due) does not end it. */
const SUBSCRIBED: ReadonlySet<string> = new Set(['active', 'trialing', 'past_due']);
/** Statuses that start a subscription: a trial counts, as the customer has chosen a plan. */
const STARTING: ReadonlySet<string> = new Set(['active', 'trialing']);
/** Statuses in which a subscription still exists but the customer no longer pays: it ends being a subscriber. */
const LAPSED: ReadonlySet<string> = new Set(['unpaid', 'paused']);

type PlanChoice = PlanOfPrice & { readonly currentPeriodEnd: string; readonly priceId: string };

/** `customer.subscription.created` → `subscription.activated` when it starts active or trialing. */
export function mapSubscriptionCreated(
  event: Stripe.CustomerSubscriptionCreatedEvent,
  context: MappingContext,
): Mapping {
  const subscription = event.data.object;
  if (!STARTING.has(subscription.status))
    return ignored(`status ${subscription.status}: activated once it is active or trialing`);
  return activated(event, subscription, isoOf(subscription.start_date), context);
}

/**
 * `customer.subscription.updated`: becoming active or trialing from another
 * status → `subscription.activated`; ending, or lapsing into `unpaid` or
 * `paused` → `subscription.cancelled`; another plan → `subscription.plan_changed`. `cancel_at_period_end` alone changes
 * nothing yet: the customer stays a subscriber until the period ends, when
 * Stripe ends the subscription (`customer.subscription.deleted`).
 */
export function mapSubscriptionUpdated(
  event: Stripe.CustomerSubscriptionUpdatedEvent,
  context: MappingContext,
): Mapping {
  const subscription = event.data.object;
  const before = event.data.previous_attributes ?? {};
  const at = isoOf(event.created);
  if (subscription.status === 'canceled' && before.status !== undefined)
    return cancelled(event, subscription, context);
  if (
    LAPSED.has(subscription.status) &&
    before.status !== undefined &&
    SUBSCRIBED.has(before.status)
  )
    return cancelled(event, subscription, context, {
      at: event.created,
      reason: subscription.status,
    });
  if (before.status !== undefined && !SUBSCRIBED.has(before.status)) {
    if (STARTING.has(subscription.status)) return activated(event, subscription, at, context);
  }
  if (before.items !== undefined && SUBSCRIBED.has(subscription.status)) {
    const now = planOf(subscription.items.data, context.settings);
    if ('problem' in now) return unmappable('data.object.items', now.problem);
    const was = planOf(before.items.data ?? [], context.settings);
    const same =
      'problem' in was
        ? was.priceIds.includes(now.priceId)
        : was.plan === now.plan && was.product === now.product;
    if (!same) {
      return mapped({
        id: contractIdOf(event),
        type: 'subscription.plan_changed',
        program: context.program,
        accountId: customerOf(subscription),
        occurredAt: at,
        data: planData(now),
      });
    }
  }
  if (subscription.cancel_at_period_end && before.cancel_at_period_end === false)
    return ignored('cancels at period end: cancelled when Stripe ends the subscription');
  return ignored('no change of status or plan');
}

/** `customer.subscription.deleted` → `subscription.cancelled`, when the subscription ended. */
export function mapSubscriptionDeleted(
  event: Stripe.CustomerSubscriptionDeletedEvent,
  context: MappingContext,
): Mapping {
  return cancelled(event, event.data.object, context);
}

function activated(
  event: Stripe.Event,
  subscription: Stripe.Subscription,
  occurredAt: string,
  context: MappingContext,
): Mapping {
  const choice = planOf(subscription.items.data, context.settings);
  if ('problem' in choice) return unmappable('data.object.items', choice.problem);
  return mapped({
    id: contractIdOf(event),
    type: 'subscription.activated',
    program: context.program,
    accountId: customerOf(subscription),
    occurredAt,
    data: planData(choice),
  });
}

/** The end of being a subscriber: when the subscription ended, unless the caller knows better (a lapse). */
function cancelled(
  event: Stripe.Event,
  subscription: Stripe.Subscription,
  context: MappingContext,
  lapse?: { at: number; reason: string },
): Mapping {
  const endedAt = lapse?.at ?? subscription.ended_at ?? subscription.canceled_at ?? event.created;
  const details = subscription.cancellation_details;
  const reason = (
    lapse?.reason ??
    [details?.reason, details?.feedback, details?.comment]
      .filter((part): part is string => Boolean(part))
      .join(': ')
  ).slice(0, 500);
  return mapped({
    id: contractIdOf(event),
    type: 'subscription.cancelled',
    program: context.program,
    accountId: customerOf(subscription),
    occurredAt: isoOf(endedAt),
    data: reason ? { reason } : {},
  });
}

const customerOf = (subscription: Stripe.Subscription) => idOf(subscription.customer) ?? '';

const planData = ({ plan, product, currentPeriodEnd }: PlanChoice) => ({
  plan,
  ...(product ? { product } : {}),
  currentPeriodEnd,
});

/**
 * The plan of the first item whose price says which plan it is: the price's
 * metadata (`plan`, `product`), the expanded product's metadata, or the
 * program's price map by price id, lookup key or product id.
 */
export function planOf(
  items: readonly Stripe.SubscriptionItem[],
  settings: StripeProgramSettings,
): PlanChoice | { problem: string; priceIds: string[] } {
  for (const item of items) {
    const plan = planOfPrice(item.price, settings);
    if (plan)
      return {
        ...plan,
        priceId: item.price.id,
        currentPeriodEnd: isoOf(item.current_period_end),
      };
  }
  const priceIds = items.map((item) => item.price.id);
  return {
    priceIds,
    problem: `no plan for price ${priceIds.join(', ') || '(none)'}: set metadata.plan on the price or map it in STRIPE_PRICE_MAP`,
  };
}

function planOfPrice(
  price: Stripe.Price,
  settings: StripeProgramSettings,
): PlanOfPrice | undefined {
  const fromMetadata = (metadata: Stripe.Metadata | null | undefined): PlanOfPrice | undefined => {
    const plan = metadataValue(metadata, 'plan');
    const product = metadataValue(metadata, 'product');
    return plan ? { plan, ...(product ? { product } : {}) } : undefined;
  };
  const product =
    typeof price.product === 'object' && !price.product.deleted ? price.product : undefined;
  const keys = [price.id, price.lookup_key, idOf(price.product)];
  return (
    fromMetadata(price.metadata) ??
    fromMetadata(product?.metadata) ??
    keys.map((key) => (key ? ownValue(settings.prices, key) : undefined)).find(Boolean)
  );
}
