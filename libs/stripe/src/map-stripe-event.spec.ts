import Stripe from 'stripe';
import { BillingEvent, validateBillingEvent } from '@referrals/contracts';
import { ProgramRegistry } from '@referrals/domain';
import { mapStripeEvent } from './map-stripe-event';
import type { Mapping, MappingContext } from './mapping';
import { InMemoryPaymentLinks, linksIn } from './payment-links';
import { programSettings, StripeProgramSettings } from './stripe-settings';
import * as life from './testing/fixtures/customer-life';
import { FIXTURE_API_VERSION, stripeEvent } from './testing/fixtures/stripe-events';
import {
  charge,
  customer,
  invoice,
  invoicePayment,
  price,
  refund,
  subscription,
  SubscriptionFixture,
} from './testing/fixtures/stripe-objects';

const t = (iso: string) => Date.parse(iso) / 1000;
const NOW = t('2026-03-01T12:00:00Z');

const settings: StripeProgramSettings = {
  prices: {
    price_pro_monthly: { plan: 'pro' },
    premium_yearly: { plan: 'premium' },
    prod_Smith_VR: { plan: 'vr-basic', product: 'virtual_receptionist' },
  },
  promotions: {
    promo_FRIEND: { referralCode: 'CR-AGENCYA' },
    PARTNER25: { referrerAccountId: 'cus_Partner' },
  },
};

function when(event: Stripe.Event, links = new InMemoryPaymentLinks()): Mapping {
  const context: MappingContext = { program: 'callrail', settings, links };
  return mapStripeEvent(event, context);
}

const proPrice = price({ id: 'price_pro_monthly', product: 'prod_CR', unitAmount: 14500 });
const sub = (f: Partial<SubscriptionFixture> = {}): SubscriptionFixture => ({
  id: 'sub_1',
  customer: 'cus_B',
  price: proPrice,
  status: 'active',
  created: t('2026-02-01T09:00:00Z'),
  periodStart: t('2026-02-01T09:00:00Z'),
  periodEnd: t('2026-03-01T09:00:00Z'),
  ...f,
});

describe('mapping Stripe events to contract events', () => {
  it('pins the fixtures to the API version of the installed stripe package', () => {
    expect(FIXTURE_API_VERSION).toBe(Stripe.API_VERSION);
  });

  describe('customer.created', () => {
    it('is a signup of the customer, attributed by the referral code in its metadata', () => {
      const event = stripeEvent(
        'customer.created',
        customer({
          id: 'cus_B',
          created: t('2026-02-01T09:00:00Z'),
          email: 'ops@beta.example',
          name: 'Beta',
          metadata: { referralCode: 'cr-agencya', organizationId: 'org-beta', partner: 'false' },
        }),
        { id: 'evt_1', created: NOW },
      );
      expect(when(event)).toEqual({
        kind: 'mapped',
        events: [
          {
            id: 'stripe:evt_1',
            type: 'account.signed_up',
            program: 'callrail',
            accountId: 'cus_B',
            occurredAt: '2026-02-01T09:00:00.000Z',
            data: {
              referralCode: 'cr-agencya',
              email: 'ops@beta.example',
              name: 'Beta',
              organizationId: 'org-beta',
              partner: false,
            },
          },
        ],
      });
    });

    it('takes the referrer named in metadata over a promotion code', () => {
      const event = stripeEvent(
        'customer.created',
        customer({
          id: 'cus_B',
          created: NOW,
          metadata: { referrerAccountId: 'cus_A' },
          promotionCode: { id: 'promo_FRIEND', coupon: 'X', start: NOW },
        }),
        { id: 'evt_1', created: NOW },
      );
      expect(dataOf(when(event))).toEqual({ referrerAccountId: 'cus_A' });
    });

    it.each([
      ['a configured promotion code', 'promo_FRIEND', 'FRIEND10', { referralCode: 'CR-AGENCYA' }],
      ['a configured coupon', 'promo_other', 'PARTNER25', { referrerAccountId: 'cus_Partner' }],
      ['a discount nobody configured', 'promo_other', 'OTHER', {}],
    ])('attributes the signup by %s', (_case, promotion, coupon, expected) => {
      const event = stripeEvent(
        'customer.created',
        customer({
          id: 'cus_B',
          created: NOW,
          promotionCode: { id: promotion, coupon, start: NOW },
        }),
        { id: 'evt_1', created: NOW },
      );
      expect(dataOf(when(event))).toEqual(expected);
    });
    it('leaves out what the contract would refuse rather than losing the signup', () => {
      const event = stripeEvent(
        'customer.created',
        customer({
          id: 'cus_B',
          created: NOW,
          email: 'not-an-email',
          name: 'N'.repeat(256),
          metadata: { referralCode: 'X'.repeat(80), organizationId: 'org\u0001bad' },
        }),
        { id: 'evt_1', created: NOW },
      );
      expect(dataOf(when(event))).toEqual({ name: 'N'.repeat(200) });
    });
  });

  describe('customer.updated', () => {
    const updated = (previous: Partial<Stripe.Customer>) =>
      stripeEvent(
        'customer.updated',
        customer({
          id: 'cus_B',
          created: t('2026-01-01T00:00:00Z'),
          email: 'new@beta.example',
          metadata: { organizationId: 'org-new', partner: 'true' },
        }),
        { id: 'evt_2', created: NOW, previous },
      );

    it('is an account update at the moment of the event when email, name or the kept metadata changed', () => {
      const mapping = when(updated({ metadata: { organizationId: 'org-old', partner: 'true' } }));
      expect(mapping).toEqual({
        kind: 'mapped',
        events: [
          expect.objectContaining({
            type: 'account.updated',
            occurredAt: '2026-03-01T12:00:00.000Z',
            data: { email: 'new@beta.example', organizationId: 'org-new', partner: true },
          }),
        ],
      });
    });

    it('is ignored when nothing the engine keeps changed', () => {
      expect(when(updated({ address: null })).kind).toBe('ignored');
      expect(
        when(updated({ metadata: { organizationId: 'org-new', partner: 'true', crm: '1' } })).kind,
      ).toBe('ignored');
    });
  });

  describe('subscriptions', () => {
    it('a new trialing subscription is an activation at its start, with the plan and the item period end', () => {
      const event = stripeEvent(
        'customer.subscription.created',
        subscription(sub({ status: 'trialing' })),
        { id: 'evt_3', created: NOW },
      );
      expect(when(event)).toEqual({
        kind: 'mapped',
        events: [
          {
            id: 'stripe:evt_3',
            type: 'subscription.activated',
            program: 'callrail',
            accountId: 'cus_B',
            occurredAt: '2026-02-01T09:00:00.000Z',
            data: { plan: 'pro', currentPeriodEnd: '2026-03-01T09:00:00.000Z' },
          },
        ],
      });
    });

    it.each([
      [
        'the price metadata',
        price({ id: 'p1', product: 'x', unitAmount: 1, metadata: { plan: 'starter' } }),
        { plan: 'starter' },
      ],
      [
        'the price map by lookup key',
        price({ id: 'p2', product: 'x', unitAmount: 1, lookupKey: 'premium_yearly' }),
        { plan: 'premium' },
      ],
      [
        'the price map by product',
        price({ id: 'p3', product: 'prod_Smith_VR', unitAmount: 1 }),
        { plan: 'vr-basic', product: 'virtual_receptionist' },
      ],
    ])('reads the plan from %s', (_case, itemPrice, expected) => {
      const event = stripeEvent(
        'customer.subscription.created',
        subscription(sub({ price: itemPrice })),
        {
          id: 'evt_3',
          created: NOW,
        },
      );
      expect(dataOf(when(event))).toEqual({
        ...expected,
        currentPeriodEnd: '2026-03-01T09:00:00.000Z',
      });
    });

    it('a price with no plan cannot be mapped, and says how to fix it', () => {
      const unknown = price({ id: 'price_unknown', product: 'prod_x', unitAmount: 1 });
      const event = stripeEvent(
        'customer.subscription.created',
        subscription(sub({ price: unknown })),
        {
          id: 'evt_3',
          created: NOW,
        },
      );
      expect(when(event)).toEqual({
        kind: 'unmappable',
        problems: [
          {
            path: 'data.object.items',
            rule: expect.stringContaining('no plan for price price_unknown'),
          },
        ],
      });
    });

    it('an incomplete subscription is not yet an activation; becoming active is, at the event', () => {
      const created = stripeEvent(
        'customer.subscription.created',
        subscription(sub({ status: 'incomplete' })),
        {
          id: 'evt_3',
          created: NOW,
        },
      );
      expect(when(created).kind).toBe('ignored');
      const activated = stripeEvent('customer.subscription.updated', subscription(sub()), {
        id: 'evt_4',
        created: NOW,
        previous: { status: 'incomplete' },
      });
      expect(when(activated)).toEqual({
        kind: 'mapped',
        events: [
          expect.objectContaining({
            type: 'subscription.activated',
            occurredAt: '2026-03-01T12:00:00.000Z',
          }),
        ],
      });
    });

    it('the end of a trial is no second activation', () => {
      const event = stripeEvent('customer.subscription.updated', subscription(sub()), {
        id: 'evt_4',
        created: NOW,
        previous: { status: 'trialing' },
      });
      expect(when(event).kind).toBe('ignored');
    });

    it('another plan is a plan change; another price of the same plan is not', () => {
      const premium = price({
        id: 'p_prem',
        product: 'x',
        unitAmount: 1,
        lookupKey: 'premium_yearly',
      });
      const before = subscription(sub()).items;
      const changed = stripeEvent(
        'customer.subscription.updated',
        subscription(sub({ price: premium })),
        {
          id: 'evt_5',
          created: NOW,
          previous: { items: before },
        },
      );
      expect(when(changed)).toEqual({
        kind: 'mapped',
        events: [
          expect.objectContaining({
            type: 'subscription.plan_changed',
            occurredAt: '2026-03-01T12:00:00.000Z',
            data: { plan: 'premium', currentPeriodEnd: '2026-03-01T09:00:00.000Z' },
          }),
        ],
      });
      const samePlan = price({
        id: 'p_pro2',
        product: 'x',
        unitAmount: 1,
        metadata: { plan: 'pro' },
      });
      const repriced = stripeEvent(
        'customer.subscription.updated',
        subscription(sub({ price: samePlan })),
        {
          id: 'evt_6',
          created: NOW,
          previous: { items: before },
        },
      );
      expect(when(repriced).kind).toBe('ignored');
    });

    it('lapsing into unpaid or paused ends the subscriber at that moment; coming back is an activation', () => {
      const lapsed = stripeEvent(
        'customer.subscription.updated',
        subscription(sub({ status: 'unpaid' })),
        { id: 'evt_lapse', created: NOW, previous: { status: 'past_due' } },
      );
      expect(when(lapsed)).toEqual({
        kind: 'mapped',
        events: [
          expect.objectContaining({
            type: 'subscription.cancelled',
            occurredAt: '2026-03-01T12:00:00.000Z',
            data: { reason: 'unpaid' },
          }),
        ],
      });
      const back = stripeEvent('customer.subscription.updated', subscription(sub()), {
        id: 'evt_back',
        created: NOW + 60,
        previous: { status: 'unpaid' },
      });
      expect(when(back)).toEqual({
        kind: 'mapped',
        events: [expect.objectContaining({ type: 'subscription.activated' })],
      });
      const dunning = stripeEvent(
        'customer.subscription.updated',
        subscription(sub({ status: 'past_due' })),
        { id: 'evt_dunning', created: NOW, previous: { status: 'active' } },
      );
      expect(when(dunning).kind).toBe('ignored');
    });

    it('cancel at period end changes nothing yet; the end of the subscription is the cancellation, when it ended', () => {
      const periodEnd = t('2026-03-01T09:00:00Z');
      const requested = stripeEvent(
        'customer.subscription.updated',
        subscription(sub({ cancelAtPeriodEnd: true, canceledAt: NOW })),
        { id: 'evt_7', created: NOW, previous: { cancel_at_period_end: false } },
      );
      expect(when(requested)).toEqual({
        kind: 'ignored',
        reason: expect.stringContaining('period end'),
      });
      const deleted = stripeEvent(
        'customer.subscription.deleted',
        subscription(
          sub({
            status: 'canceled',
            canceledAt: NOW,
            endedAt: periodEnd,
            cancellationReason: 'cancellation_requested',
          }),
        ),
        { id: 'evt_8', created: periodEnd + 3 },
      );
      expect(when(deleted)).toEqual({
        kind: 'mapped',
        events: [
          {
            id: 'stripe:evt_8',
            type: 'subscription.cancelled',
            program: 'callrail',
            accountId: 'cus_B',
            occurredAt: '2026-03-01T09:00:00.000Z',
            data: { reason: 'cancellation_requested' },
          },
        ],
      });
    });
  });

  describe('invoices and refunds', () => {
    const paidInvoice = invoice({
      id: 'in_1',
      customer: 'cus_B',
      subscription: subscription(sub()),
      amount: 14500,
      periodStart: t('2026-02-01T09:00:00Z'),
      periodEnd: t('2026-03-01T09:00:00Z'),
      created: t('2026-02-01T09:00:00Z'),
      paidAt: t('2026-02-01T09:00:05Z'),
      status: 'paid',
      paymentIntent: 'pi_1',
      cardFingerprint: 'fp_Visa',
    });

    it('invoice.paid is a payment of the amount paid, when it was paid, with the card and the period it pays for', () => {
      const event = stripeEvent('invoice.paid', paidInvoice, { id: 'evt_9', created: NOW });
      expect(when(event)).toEqual({
        kind: 'mapped',
        events: [
          {
            id: 'stripe:evt_9',
            type: 'payment.succeeded',
            program: 'callrail',
            accountId: 'cus_B',
            occurredAt: '2026-02-01T09:00:05.000Z',
            data: {
              invoiceId: 'in_1',
              amount: 14500,
              currency: 'USD',
              paymentMethodFingerprint: 'fp_Visa',
              currentPeriodEnd: '2026-03-01T09:00:00.000Z',
            },
          },
        ],
      });
    });

    it('invoice.payment_failed is a failed payment of the amount due', () => {
      const failed = {
        ...paidInvoice,
        status: 'open' as const,
        amount_paid: 0,
        payments: undefined,
      };
      const event = stripeEvent('invoice.payment_failed', failed, { id: 'evt_10', created: NOW });
      expect(when(event)).toEqual({
        kind: 'mapped',
        events: [
          expect.objectContaining({
            type: 'payment.failed',
            occurredAt: '2026-03-01T12:00:00.000Z',
            data: { invoiceId: 'in_1', amount: 14500, currency: 'USD' },
          }),
        ],
      });
    });

    const linked = () => {
      const links = new InMemoryPaymentLinks();
      links.add(
        linksIn(
          stripeEvent(
            'invoice.paid',
            { ...paidInvoice, payments: undefined },
            { id: 'e', created: NOW },
          ),
        ),
      );
      links.add(
        linksIn(
          stripeEvent(
            'invoice_payment.paid',
            invoicePayment({ invoice: 'in_1', paymentIntent: 'pi_1', amount: 14500, created: NOW }),
            { id: 'e2', created: NOW },
          ),
        ),
      );
      return links;
    };
    const theRefund = refund({
      id: 're_1',
      paymentIntent: 'pi_1',
      charge: 'ch_1',
      amount: 5000,
      created: NOW,
    });
    const expectedRefund = {
      id: 'stripe:re_1',
      type: 'payment.refunded',
      program: 'callrail',
      accountId: 'cus_B',
      occurredAt: '2026-03-01T12:00:00.000Z',
      data: { invoiceId: 'in_1', amount: 5000, currency: 'USD' },
    };

    it('refund.created is a refund of the invoice its payment paid, found through the payment links', () => {
      const event = stripeEvent('refund.created', theRefund, { id: 'evt_11', created: NOW });
      expect(when(event, linked())).toEqual({ kind: 'mapped', events: [expectedRefund] });
    });

    it('a refund of a payment no event linked to an invoice cannot be mapped', () => {
      const event = stripeEvent('refund.created', theRefund, { id: 'evt_11', created: NOW });
      expect(when(event)).toEqual({
        kind: 'unmappable',
        problems: [
          {
            path: 'data.object.payment_intent',
            rule: expect.stringContaining('invoice_payment.paid'),
          },
        ],
      });
    });

    it('charge.refunded listing its refunds gives the same contract event as refund.created; without a list it is ignored', () => {
      const listing = charge({
        id: 'ch_1',
        paymentIntent: 'pi_1',
        amount: 14500,
        amountRefunded: 5000,
        created: NOW,
        refunds: [theRefund],
      });
      const event = stripeEvent('charge.refunded', listing, { id: 'evt_12', created: NOW });
      expect(when(event, linked())).toEqual({ kind: 'mapped', events: [expectedRefund] });
      const bare = stripeEvent(
        'charge.refunded',
        { ...listing, refunds: undefined },
        { id: 'evt_13', created: NOW },
      );
      expect(when(bare, linked()).kind).toBe('ignored');
    });

    it('a failed refund refunds nothing', () => {
      const event = stripeEvent(
        'refund.created',
        { ...theRefund, status: 'failed' },
        { id: 'evt_14', created: NOW },
      );
      expect(when(event, linked()).kind).toBe('ignored');
    });
  });

  it('a type the mapping does not read is unmapped', () => {
    const event = stripeEvent('customer.subscription.trial_will_end', subscription(sub()), {
      id: 'evt_15',
      created: NOW,
    });
    expect(when(event)).toEqual({ kind: 'unmapped' });
  });

  describe('a whole customer life', () => {
    const mapLife = () => {
      const links = new InMemoryPaymentLinks();
      const context = {
        program: life.PROGRAM,
        settings: programSettings(life.settings, life.PROGRAM),
        links,
      };
      return life.stripeLife.flatMap((event) => {
        links.add(linksIn(event));
        const mapping = mapStripeEvent(event, context);
        if (mapping.kind === 'unmappable') throw new Error(JSON.stringify(mapping.problems));
        return mapping.kind === 'mapped' ? [...mapping.events] : [];
      });
    };

    it('gives contract events the contract accepts', () => {
      const programs = ProgramRegistry.withBuiltins();
      for (const event of mapLife())
        expect(validateBillingEvent(event, programs)).toEqual({ ok: true, value: event });
    });

    it('is, but for the ids, the same history as the one written in the contract', () => {
      const withoutId = ({ id: _id, ...rest }: BillingEvent) => rest;
      const byTime = (a: { occurredAt: string }, b: { occurredAt: string }) =>
        a.occurredAt.localeCompare(b.occurredAt);
      const stripeSide = mapLife().map(withoutId).sort(byTime);
      const handWritten = life.contractHistory
        .filter((e) => e !== life.codeAssignment)
        .map(withoutId)
        .sort(byTime);
      expect(stripeSide).toEqual(handWritten);
    });
  });
});

function dataOf(mapping: Mapping): unknown {
  if (mapping.kind !== 'mapped') throw new Error(`expected mapped, got ${JSON.stringify(mapping)}`);
  return mapping.events[0].data;
}
