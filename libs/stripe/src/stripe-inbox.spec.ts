import { ProgramRegistry } from '@referrals/domain';
import { InMemoryEventStore } from '@referrals/event-store';
import { EventIngestor } from '@referrals/ingestion';
import { StripeInbox } from './stripe-inbox';
import type { StripeSettings } from './stripe-settings';
import { rawStripeStream } from './stripe-streams';
import { signedDelivery, stripeEvent } from './testing/fixtures/stripe-events';
import {
  customer,
  invoicePayment,
  price,
  refund,
  subscription,
} from './testing/fixtures/stripe-objects';

const SECRET = 'whsec_inbox_spec_secret';
const t = (iso: string) => Date.parse(iso) / 1000;

function given(settings: Partial<StripeSettings> = {}) {
  const store = new InMemoryEventStore();
  const inbox = new StripeInbox(store, new EventIngestor(store, ProgramRegistry.withBuiltins()), {
    webhookSecrets: { callrail: ['whsec_old_secret', SECRET] },
    priceMap: {},
    promotions: {},
    ...settings,
  });
  const accountEvents = () => store.readAll({ streamPrefixes: ['account:'] });
  const raw = () => store.readStream(rawStripeStream('callrail'));
  return { inbox, accountEvents, raw };
}

const signup = stripeEvent(
  'customer.created',
  customer({ id: 'cus_B', created: t('2026-02-01T09:00:00Z'), email: 'b@beta.example' }),
  { id: 'evt_signup', created: t('2026-02-01T09:00:01Z') },
);

const unknownPrice = price({ id: 'price_unknown', product: 'prod_x', unitAmount: 100 });
const activation = stripeEvent(
  'customer.subscription.created',
  subscription({
    id: 'sub_B',
    customer: 'cus_B',
    price: unknownPrice,
    status: 'active',
    created: t('2026-02-01T09:05:00Z'),
    periodStart: t('2026-02-01T09:05:00Z'),
    periodEnd: t('2026-03-01T09:05:00Z'),
  }),
  { id: 'evt_activation', created: t('2026-02-01T09:05:01Z') },
);

describe('the Stripe inbox', () => {
  it('stores the raw event and its contract event once, however often Stripe delivers it', async () => {
    const { inbox, accountEvents, raw } = given();
    const { body, signature } = signedDelivery(signup, SECRET);
    const first = await inbox.receive('callrail', body, signature);
    const again = await inbox.receive('callrail', body, signature);
    expect(first).toEqual({
      status: 'accepted',
      stripeEventId: 'evt_signup',
      mapping: 'mapped',
      stored: 1,
      duplicates: 0,
    });
    expect(again).toMatchObject({ status: 'accepted', stored: 0, duplicates: 1 });
    expect((await raw()).map((r) => r.data)).toEqual([signup]);
    expect((await accountEvents()).map((r) => (r.data as { id: string }).id)).toEqual([
      'stripe:evt_signup',
    ]);
  });

  it('verifies with any of the program’s secrets, and refuses a body changed after signing', async () => {
    const { inbox, raw } = given();
    const old = signedDelivery(signup, 'whsec_old_secret');
    expect(await inbox.receive('callrail', old.body, old.signature)).toMatchObject({
      status: 'accepted',
    });
    const tampered = old.body.replace('b@beta.example', 'x@evil.example');
    expect(await inbox.receive('callrail', tampered, old.signature)).toEqual({
      status: 'bad_signature',
      detail: expect.stringContaining('No signatures found'),
    });
    expect(await inbox.receive('callrail', old.body, undefined)).toMatchObject({
      status: 'bad_signature',
    });
    expect(await inbox.receive('smithai', old.body, old.signature)).toEqual({
      status: 'no_endpoint',
    });
    // A program named from the URL: one like what every object inherits has no endpoint either.
    for (const program of ['__proto__', 'constructor', 'hasOwnProperty']) {
      expect(await inbox.receive(program, old.body, old.signature)).toEqual({
        status: 'no_endpoint',
      });
    }
    expect(await raw()).toHaveLength(1);
    expect(inbox.stats()).toMatchObject({ received: 1, badSignatures: 2 });
  });

  it('keeps an event it cannot map, answers with the problem, and maps it once the price map knows the price', async () => {
    const before = given();
    const { body, signature } = signedDelivery(activation, SECRET);
    expect(await before.inbox.receive('callrail', body, signature)).toEqual({
      status: 'rejected',
      stripeEventId: 'evt_activation',
      problems: [{ path: 'data.object.items', rule: expect.stringContaining('price_unknown') }],
    });
    expect(await before.raw()).toHaveLength(1);
    expect(await before.accountEvents()).toEqual([]);

    const fixed = given({ priceMap: { callrail: { price_unknown: { plan: 'premium' } } } });
    expect(await fixed.inbox.receive('callrail', body, signature)).toMatchObject({
      status: 'accepted',
      mapping: 'mapped',
      stored: 1,
    });
  });

  it('refuses a plan the program does not have, through the contract’s own validation', async () => {
    const { inbox, accountEvents } = given({
      priceMap: { callrail: { price_unknown: { plan: 'platinum' } } },
    });
    const { body, signature } = signedDelivery(activation, SECRET);
    const receipt = await inbox.receive('callrail', body, signature);
    expect(receipt).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(receipt)).toContain('data.plan');
    expect(await accountEvents()).toEqual([]);
  });

  it('counts a type it does not map and stores no contract event for it', async () => {
    const { inbox, accountEvents, raw } = given();
    const willEnd = stripeEvent('customer.subscription.trial_will_end', activation.data.object, {
      id: 'evt_trial',
      created: t('2026-02-10T00:00:00Z'),
    });
    const { body, signature } = signedDelivery(willEnd, SECRET);
    expect(await inbox.receive('callrail', body, signature)).toMatchObject({
      status: 'accepted',
      mapping: 'unmapped',
      stored: 0,
    });
    expect(inbox.stats().unmapped).toEqual({ 'customer.subscription.trial_will_end': 1 });
    expect(await raw()).toHaveLength(1);
    expect(await accountEvents()).toEqual([]);
  });

  it('a refund that arrives before the payment it refunds is linked is refused, and maps on Stripe’s retry', async () => {
    const { inbox, accountEvents } = given();
    const refunded = signedDelivery(
      stripeEvent(
        'refund.created',
        refund({
          id: 're_1',
          paymentIntent: 'pi_1',
          charge: 'ch_1',
          amount: 500,
          created: t('2026-03-02T00:00:00Z'),
          customer: 'cus_B',
        }),
        { id: 'evt_refund', created: t('2026-03-02T00:00:01Z') },
      ),
      SECRET,
    );
    expect(await inbox.receive('callrail', refunded.body, refunded.signature)).toMatchObject({
      status: 'rejected',
    });
    const linked = signedDelivery(
      stripeEvent(
        'invoice_payment.paid',
        invoicePayment({
          invoice: 'in_1',
          paymentIntent: 'pi_1',
          amount: 14500,
          created: t('2026-03-01T00:00:00Z'),
        }),
        { id: 'evt_inpay', created: t('2026-03-01T00:00:01Z') },
      ),
      SECRET,
    );
    expect(await inbox.receive('callrail', linked.body, linked.signature)).toMatchObject({
      status: 'accepted',
      mapping: 'ignored',
    });
    expect(await inbox.receive('callrail', refunded.body, refunded.signature)).toMatchObject({
      status: 'accepted',
      mapping: 'mapped',
      stored: 1,
    });
    expect((await accountEvents()).map((r) => r.data)).toEqual([
      expect.objectContaining({
        id: 'stripe:re_1',
        type: 'payment.refunded',
        accountId: 'cus_B',
        data: { invoiceId: 'in_1', amount: 500, currency: 'USD' },
      }),
    ]);
  });

  describe('a signed body of a shape Stripe never sends is answered, never thrown', () => {
    /** The signup's event with parts replaced, signed as Stripe would sign it. */
    const deliver = async (inbox: StripeInbox, change: Record<string, unknown>) => {
      const { body, signature } = signedDelivery(
        { ...signup, ...change } as unknown as typeof signup,
        SECRET,
      );
      return inbox.receive('callrail', body, signature);
    };

    it.each([
      ['an id with U+0000', { id: 'evt_\u0000' }, 'id'],
      ['a created time past any date', { created: 1e20 }, 'created'],
      ['no data', { data: null }, 'data.object'],
      ['a null object', { data: { object: null } }, 'data.object'],
      [
        'text the store cannot hold',
        { data: { object: { ...signup.data.object, name: 'a\udc00' } } },
        'data.object.name',
      ],
    ])('%s: invalid, naming %s, and nothing kept', async (_, change, path) => {
      const { inbox, raw } = given();
      const receipt = await deliver(inbox, change);
      expect(receipt).toMatchObject({ status: 'invalid', problems: [{ path }] });
      expect(await raw()).toEqual([]);
    });

    it('an object the mapping cannot read is kept raw and rejected, as an unmappable event is', async () => {
      const { inbox, raw, accountEvents } = given();
      const refundOfNothing = stripeEvent(
        'charge.refunded',
        { id: 'ch_1', object: 'charge', refunds: { data: [null] } } as never,
        { id: 'evt_odd_refund', created: t('2026-03-02T00:00:00Z') },
      );
      const { body, signature } = signedDelivery(refundOfNothing, SECRET);
      const receipt = await inbox.receive('callrail', body, signature);
      expect(receipt).toMatchObject({
        status: 'rejected',
        stripeEventId: 'evt_odd_refund',
        problems: [{ path: 'data.object', rule: expect.stringMatching(/^is not of the shape/) }],
      });
      expect(await raw()).toHaveLength(1);
      expect(await accountEvents()).toEqual([]);
    });
  });
});
