import type { Problem } from '@referrals/contracts';
import type { EventStore } from '@referrals/event-store';
import type { EventIngestor } from '@referrals/ingestion';
import Stripe from 'stripe';
import { mapStripeEvent } from './map-stripe-event';
import type { Mapping } from './mapping';
import { linksIn, paymentsReferredBy } from './payment-links';
import { storedLinksFor } from './stored-payment-links';
import { programSettings, secretsOf, StripeSettings } from './stripe-settings';
import { stripeEnvelopeProblems } from './stripe-envelope';
import { rawStripeWrites } from './stripe-streams';

/** Stripe's default: a signature older than five minutes is a replay, not a delivery. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type StripeReceipt =
  /** The program has no webhook secret configured: it has no Stripe endpoint. */
  | { readonly status: 'no_endpoint' }
  /** Unsigned, signed with another secret, or signed too long ago: nothing is stored. */
  | { readonly status: 'bad_signature'; readonly detail: string }
  /** Signed, but no event this endpoint can keep (see stripeEnvelopeProblems): nothing is stored. */
  | { readonly status: 'invalid'; readonly problems: readonly Problem[] }
  | {
      readonly status: 'accepted';
      readonly stripeEventId: string;
      readonly mapping: Mapping['kind'];
      readonly stored: number;
      readonly duplicates: number;
    }
  /** Kept raw, but its contract events could not be made or were refused: Stripe retries. */
  | {
      readonly status: 'rejected';
      readonly stripeEventId: string;
      readonly problems: readonly Problem[];
    };

/** How one verified Stripe event ended, for a metric by program, Stripe type and outcome. */
export type StripeOutcome = Mapping['kind'] | 'rejected' | 'invalid' | 'bad_signature';
export type StripeReceiptListener = (
  program: string,
  stripeType: string,
  outcome: StripeOutcome,
) => void;

/** What the endpoint has seen since start-up, for the metrics. */
export interface StripeCounters {
  received: number;
  badSignatures: number;
  /** Signed, but no event this endpoint can keep: not received, nothing stored. */
  invalid: number;
  /** Per Stripe type the mapping does not read. */
  unmapped: Record<string, number>;
  ignored: number;
  mapped: number;
  rejected: number;
}

/**
 * The Stripe webhook's work: verify the signature over the raw body, keep the
 * event as received, map it, and hand the contract events to the same
 * ingestor as `POST /v1/events` (validation and idempotency shared).
 */
export class StripeInbox {
  private readonly counters: StripeCounters = {
    received: 0,
    badSignatures: 0,
    invalid: 0,
    unmapped: {},
    ignored: 0,
    mapped: 0,
    rejected: 0,
  };
  private readonly listeners: StripeReceiptListener[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly ingestor: EventIngestor,
    private readonly settings: StripeSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async receive(
    program: string,
    rawBody: Buffer | string,
    signature: string | undefined,
  ): Promise<StripeReceipt> {
    const secrets = secretsOf(this.settings, program);
    if (secrets.length === 0) return { status: 'no_endpoint' };
    const verified = verify(rawBody, signature, secrets);
    if ('detail' in verified) {
      this.counters.badSignatures++;
      // Its type is not to be believed before the signature verifies.
      for (const listener of this.listeners) listener(program, 'unverified', 'bad_signature');
      return { status: 'bad_signature', detail: verified.detail };
    }
    const event = verified.event;
    const problems = stripeEnvelopeProblems(event);
    if (problems.length > 0) {
      this.counters.invalid++;
      for (const listener of this.listeners) listener(program, event.type, 'invalid');
      return { status: 'invalid', problems };
    }
    this.counters.received++;
    const receipt = await this.keepAndMap(program, event);
    const outcome = receipt.status === 'accepted' ? receipt.mapping : 'rejected';
    for (const listener of this.listeners) listener(program, event.type, outcome);
    return receipt;
  }

  private async keepAndMap(program: string, event: Stripe.Event): Promise<StripeReceipt> {
    // An object of a shape the mapping does not expect (a null where Stripe puts an
    // object, a date that is no number) is kept raw and answered 422, as an event that
    // cannot be mapped is: a fixed mapping can then be replayed over it.
    // Only the event is read here: a store error goes on up (503), never into a 422.
    const read = unlessThrown(() => ({
      links: linksIn(event),
      payments: paymentsReferredBy(event),
    }));
    await this.store.appendBatch(
      rawStripeWrites(program, event, read.ok ? read.value.links : [], this.clock().toISOString()),
    );
    if (!read.ok) return this.rejected(event, [read.problem]);
    const links = await storedLinksFor(this.store, program, read.value.payments);
    const mapping = unlessThrown(() =>
      mapStripeEvent(event, { program, settings: programSettings(this.settings, program), links }),
    );
    if (!mapping.ok) return this.rejected(event, [mapping.problem]);
    return this.ingestMapping(event, mapping.value);
  }

  private async ingestMapping(event: Stripe.Event, mapping: Mapping): Promise<StripeReceipt> {
    switch (mapping.kind) {
      case 'unmapped':
        this.counters.unmapped[event.type] = (this.counters.unmapped[event.type] ?? 0) + 1;
        return accepted(event, mapping, 0, 0);
      case 'ignored':
        this.counters.ignored++;
        return accepted(event, mapping, 0, 0);
      case 'unmappable':
        return this.rejected(event, mapping.problems);
      case 'mapped': {
        const outcome = await this.ingestor.ingest(mapping.events);
        if (outcome.status !== 'accepted') return this.rejected(event, outcome.problems);
        this.counters.mapped++;
        return accepted(event, mapping, outcome.stored, outcome.duplicates);
      }
    }
  }

  private rejected(event: Stripe.Event, problems: readonly Problem[]): StripeReceipt {
    this.counters.rejected++;
    return { status: 'rejected', stripeEventId: event.id, problems };
  }

  /** Told of every verified event's outcome (the Prometheus counter listens here). */
  onReceipt(listener: StripeReceiptListener): void {
    this.listeners.push(listener);
  }

  stats(): StripeCounters {
    return structuredClone(this.counters);
  }
}

const accepted = (
  event: Stripe.Event,
  mapping: Mapping,
  stored: number,
  duplicates: number,
): StripeReceipt => ({
  status: 'accepted',
  stripeEventId: event.id,
  mapping: mapping.kind,
  stored,
  duplicates,
});

/** A mapping step's value, or the problem of the shape it did not expect. */
function unlessThrown<T>(step: () => T): { ok: true; value: T } | { ok: false; problem: Problem } {
  try {
    return { ok: true, value: step() };
  } catch (error) {
    return {
      ok: false,
      problem: {
        path: 'data.object',
        rule: `is not of the shape Stripe sends: ${(error as Error).message}`,
      },
    };
  }
}

/** Any of the program's secrets may have signed it (Stripe signs with old and new while a secret rolls). */
function verify(
  rawBody: Buffer | string,
  signature: string | undefined,
  secrets: readonly string[],
): { event: Stripe.Event } | { detail: string } {
  if (!signature) return { detail: 'the Stripe-Signature header is missing' };
  let detail = 'no signature matches';
  for (const secret of secrets) {
    try {
      const event = Stripe.webhooks.constructEvent(
        rawBody,
        signature,
        secret,
        SIGNATURE_TOLERANCE_SECONDS,
      );
      if (typeof event?.id !== 'string' || typeof event?.type !== 'string')
        return { detail: 'the body is not a Stripe event (no id or type)' };
      return { event };
    } catch (error) {
      detail = (error as Error).message;
    }
  }
  return { detail };
}
