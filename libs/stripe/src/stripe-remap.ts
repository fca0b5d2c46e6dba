import type { BillingEvent, Problem } from '@referrals/contracts';
import type { EventStore } from '@referrals/event-store';
import type Stripe from 'stripe';
import { mapStripeEvent } from './map-stripe-event';
import type { Mapping } from './mapping';
import { InMemoryPaymentLinks, linksIn } from './payment-links';
import { programSettings, StripeSettings } from './stripe-settings';
import { rawStripeStream } from './stripe-streams';

const PAGE = 1000;

/** A program's Stripe events as received, in arrival order. */
export async function* rawStripeEvents(
  store: EventStore,
  program: string,
): AsyncGenerator<Stripe.Event> {
  for (let from = 0n; ; from += BigInt(PAGE)) {
    const page = await store.readStream(rawStripeStream(program), { from, maxCount: PAGE });
    for (const recorded of page) yield recorded.data as Stripe.Event;
    if (page.length < PAGE) return;
  }
}

export interface RemappedStripeEvent {
  readonly stripeEventId: string;
  readonly type: string;
  readonly mapping: Mapping['kind'];
  readonly events: readonly BillingEvent[];
  readonly problems: readonly Problem[];
}

/**
 * The raw stream through today's mapping: every Stripe event created at or
 * after `since`, in arrival order, with what it maps to. Payment links come
 * from the whole stream, so a refund finds its invoice whenever that was paid.
 */
export async function remapStripe(
  store: EventStore,
  program: string,
  settings: StripeSettings,
  since: Date,
): Promise<RemappedStripeEvent[]> {
  const links = new InMemoryPaymentLinks();
  for await (const event of rawStripeEvents(store, program)) links.add(linksIn(event));
  const context = { program, settings: programSettings(settings, program), links };
  const out: RemappedStripeEvent[] = [];
  const sinceSeconds = Math.floor(since.getTime() / 1000);
  for await (const event of rawStripeEvents(store, program)) {
    if (event.created < sinceSeconds) continue;
    const mapping = mapStripeEvent(event, context);
    out.push({
      stripeEventId: event.id,
      type: event.type,
      mapping: mapping.kind,
      events: mapping.kind === 'mapped' ? mapping.events : [],
      problems: mapping.kind === 'unmappable' ? mapping.problems : [],
    });
  }
  return out;
}
