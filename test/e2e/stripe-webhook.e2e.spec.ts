import { Readable } from 'node:stream';
import { ProgramRegistry } from '@referrals/domain';
import {
  rawStripeStream,
  remapStripe,
  STRIPE_LINK_STREAM_PREFIX,
  STRIPE_RAW_STREAM_PREFIX,
} from '@referrals/stripe';
import type Stripe from 'stripe';
import * as life from '../../libs/stripe/src/testing/fixtures/customer-life';
import { signedDelivery } from '../../libs/stripe/src/testing/fixtures/stripe-events';
import { readHistory } from '../../apps/cli/src/replay/read-history';
import { replay } from '../../apps/cli/src/replay/replay';
import { stripeRemapCommand } from '../../apps/cli/src/stripe-remap';
import type { RunningEngine } from '../../apps/api/src/main';
import {
  ADMIN_KEY,
  api,
  inTimeOrder,
  onPostgres,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';

/**
 * A Stripe-shaped customer life POSTed, signed, to the real engine over HTTP,
 * against the same life written in the contract and replayed by the CLI.
 */
const STRIPE_SETTINGS = {
  STRIPE_WEBHOOK_SECRETS: JSON.stringify(life.settings.webhookSecrets),
  STRIPE_PRICE_MAP: JSON.stringify(life.settings.priceMap),
  STRIPE_PROMOTIONS: JSON.stringify(life.settings.promotions),
};

const endpoint = (engine: RunningEngine, program = life.PROGRAM) =>
  `${engine.url}/v1/stripe/${program}/webhook`;

async function deliver(
  engine: RunningEngine,
  event: Stripe.Event,
  { secret = life.WEBHOOK_SECRET, timestamp }: { secret?: string; timestamp?: number } = {},
) {
  const { body, signature } = signedDelivery(event, secret, timestamp);
  const response = await fetch(endpoint(engine), {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}

const byReferee = (a: { refereeAccountId: string }, b: { refereeAccountId: string }) =>
  a.refereeAccountId.localeCompare(b.refereeAccountId);
const byRewardId = (a: { rewardId: string }, b: { rewardId: string }) =>
  a.rewardId.localeCompare(b.rewardId);

const ndjson = (events: readonly object[]) =>
  Readable.from([events.map((e) => JSON.stringify(e)).join('\n') + '\n']);

async function replayOf(events: readonly object[]) {
  const programs = ProgramRegistry.withBuiltins();
  return replay(readHistory(ndjson(events), programs), Date.now(), programs);
}

describe('Stripe webhooks into the live engine (PostgreSQL)', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  const database = onPostgres();
  beforeAll(async () => {
    harness = await startTestEngine({ ...database, ...STRIPE_SETTINGS });
  }, 60_000);
  afterAll(() => harness?.stop());

  const stripeStreams = async () =>
    harness.engine.runtime.store.readAll({
      maxCount: 10_000,
      streamPrefixes: [STRIPE_RAW_STREAM_PREFIX, STRIPE_LINK_STREAM_PREFIX],
    });

  describe('when a delivery is not signed by the program’s secret, or was signed too long ago', () => {
    it.each([
      ['signed with another secret', { secret: 'whsec_someone_else' }, 'No signatures found'],
      [
        'signed six minutes ago (a replay)',
        { timestamp: Math.floor(Date.now() / 1000) - 360 },
        'Timestamp outside the tolerance zone',
      ],
    ])('answers 400 problem+json and stores nothing: %s', async (_case, signing, detail) => {
      const [first] = life.stripeLife;
      const answer = await deliver(harness.engine, first, signing);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({
        type: 'urn:referrals:problem:invalid-stripe-signature',
        status: 400,
      });
      expect(JSON.stringify(answer.body)).toContain(detail);
      expect(await stripeStreams()).toEqual([]);
      const account = await harness.engine.runtime.store.readAll({
        maxCount: 10,
        streamPrefixes: ['account:'],
      });
      expect(account).toEqual([]);
    });

    it('answers 400 without a Stripe-Signature header, and 404 for a program without a secret', async () => {
      const body = JSON.stringify(life.stripeLife[0]);
      const unsigned = await fetch(endpoint(harness.engine), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(unsigned.status).toBe(400);
      const { signature } = signedDelivery(life.stripeLife[0], life.WEBHOOK_SECRET);
      const elsewhere = await fetch(endpoint(harness.engine, 'kallyai'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });
      expect(elsewhere.status).toBe(404);
      expect(await stripeStreams()).toEqual([]);
    });

    it('answers 415 to a body of another media type, as every route does', async () => {
      const { body, signature } = signedDelivery(life.stripeLife[0], life.WEBHOOK_SECRET);
      const answer = await fetch(endpoint(harness.engine), {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'stripe-signature': signature },
        body,
      });
      expect(answer.status).toBe(415);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
    });

    it('answers 400 to a signed body PostgreSQL could not keep (U+0000), and stores nothing', async () => {
      const [first] = life.stripeLife;
      const answer = await deliver(harness.engine, {
        ...first,
        id: 'evt_nul\u0000',
      } as typeof first);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        type: 'urn:referrals:problem:invalid-stripe-event',
        problems: [{ path: 'id', rule: expect.stringContaining('control characters') }],
      });
      expect(await stripeStreams()).toEqual([]);
    });
  });

  describe('when a whole customer life is delivered, every event twice', () => {
    let answers: Awaited<ReturnType<typeof deliver>>[];
    beforeAll(async () => {
      const { engine } = harness;
      // The referrer's code comes from the engine (the contract), not from Stripe.
      const code = await api(engine, 'POST', '/v1/events', life.codeAssignment);
      expect(code.status).toBe(202);
      answers = [];
      for (const event of life.stripeLife) answers.push(await deliver(engine, event));
      for (const event of life.stripeLife) {
        const again = await deliver(engine, event);
        expect(again.status).toBe(200);
        expect(again.body.stored).toBe(0);
      }
      await untilIdle(engine);
    }, 60_000);

    it('answers 200 to each, storing the mapped ones and counting the unmapped', async () => {
      expect(answers.map((a) => a.status)).toEqual(life.stripeLife.map(() => 200));
      const stored = answers.reduce((n, a) => n + a.body.stored, 0);
      expect(stored).toBe(life.contractHistory.length - 1);
      const metrics = await api(
        harness.engine,
        'GET',
        '/v1/admin/stripe/metrics',
        undefined,
        ADMIN_KEY,
      );
      expect(metrics.status).toBe(200);
      expect(metrics.body.unmapped).toEqual({ 'customer.subscription.trial_will_end': 2 });
      expect(metrics.body.received).toBe(life.stripeLife.length * 2);
      const prometheus = await api(harness.engine, 'GET', '/metrics', undefined, ADMIN_KEY);
      expect(prometheus.body).toContain(
        'referrals_stripe_events_total{program="callrail",type="customer.subscription.trial_will_end",outcome="unmapped"} 2',
      );
      expect(prometheus.body).toContain(
        'referrals_stripe_events_total{program="callrail",type="invoice.paid",outcome="mapped"} 12',
      );
      expect(prometheus.body).toContain(
        'referrals_stripe_events_total{program="callrail",type="unverified",outcome="bad_signature"} 3',
      );
    });

    it('keeps every Stripe event as received, once, in the program’s raw stream', async () => {
      const raw = await harness.engine.runtime.store.readStream(rawStripeStream(life.PROGRAM));
      expect(raw.map((r) => r.data)).toEqual(life.stripeLife);
    });

    it('shows the referrals and rewards the CLI replays from the same life written in the contract', async () => {
      const { engine } = harness;
      const expected = await replayOf(inTimeOrder(life.contractHistory));
      expect(expected.referrals).toHaveLength(1);
      expect(expected.referrals[0]).toMatchObject({
        referrerAccountId: life.REFERRER,
        refereeAccountId: life.REFEREE,
        status: 'rewarded',
        successfulPayments: 4,
      });
      expect(expected.rewards.map((r) => [r.role, r.kind, r.amount])).toEqual(
        expect.arrayContaining([
          ['referrer', 'account_credit', 15000],
          ['referee', 'account_credit', 15000],
        ]),
      );

      const referrals = await api(
        engine,
        'GET',
        `/v1/programs/${life.PROGRAM}/accounts/${life.REFERRER}/referrals`,
      );
      expect(referrals.status).toBe(200);
      expect([...referrals.body.referrals].sort(byReferee)).toEqual(
        [...expected.referrals].sort(byReferee),
      );
      for (const beneficiary of [life.REFERRER, life.REFEREE]) {
        const live = await api(
          engine,
          'GET',
          `/v1/programs/${life.PROGRAM}/accounts/${beneficiary}/rewards`,
        );
        const want = expected.rewards
          .filter((r) => r.beneficiaryAccountId === beneficiary)
          .map((r) => ({ ...r, status: 'paid' }))
          .sort(byRewardId);
        const got = [...live.body.rewards]
          .sort(byRewardId)
          .map(({ paidAt: _paidAt, ...rest }) => rest);
        expect(got).toEqual(want);
      }
    });

    it('replaying the raw stream through the mapping gives the contract events the live path stored', async () => {
      const { store } = harness.engine.runtime;
      const remapped = await remapStripe(store, life.PROGRAM, life.settings, new Date(0));
      const fromRaw = remapped.flatMap((r) => r.events);
      const live = (
        await store.readAll({ maxCount: 10_000, streamPrefixes: [`account:${life.PROGRAM}:`] })
      )
        .map((r) => r.data)
        .filter((e) => (e as { id: string }).id !== life.codeAssignment.id);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(fromRaw.length).toBe(life.contractHistory.length - 1);
      expect([...fromRaw].sort(byId)).toEqual([...(live as typeof fromRaw)].sort(byId));
      expect(remapped.filter((r) => r.mapping === 'unmapped').map((r) => r.type)).toEqual([
        'customer.subscription.trial_will_end',
      ]);
    });

    it('referrals stripe-remap prints them as NDJSON, and --apply stores nothing twice', async () => {
      const env = { ...process.env };
      Object.assign(process.env, database, STRIPE_SETTINGS, { LOG_LEVEL: 'silent' });
      const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const since = '2026-01-01T00:00:00Z';
        const printed = await stripeRemapCommand({ program: life.PROGRAM, since });
        const events = printed.split('\n').map((line) => JSON.parse(line));
        expect(events).toHaveLength(life.contractHistory.length - 1);
        const fromCli = await replayOf(inTimeOrder([life.codeAssignment, ...events]));
        const fromContract = await replayOf(inTimeOrder(life.contractHistory));
        expect(fromCli.referrals).toEqual(fromContract.referrals);
        expect(fromCli.rewards).toEqual(fromContract.rewards);

        const applied = JSON.parse(
          await stripeRemapCommand({ program: life.PROGRAM, since, apply: true }),
        );
        expect(applied).toEqual({ stored: 0, duplicates: events.length, rejected: [] });
        const later = await stripeRemapCommand({
          program: life.PROGRAM,
          since: '2026-06-01T00:00:00Z',
        });
        expect(later.split('\n').map((line) => JSON.parse(line).type)).toEqual([
          'subscription.cancelled',
        ]);
      } finally {
        quiet.mockRestore();
        process.env = env;
      }
    }, 60_000);

    it('answers 422 problem+json for an event it keeps but cannot map, so Stripe retries it', async () => {
      const [, referrerSubscription] = life.stripeLife;
      const unknownPrice = structuredClone(
        referrerSubscription,
      ) as Stripe.CustomerSubscriptionCreatedEvent;
      unknownPrice.id = 'evt_sub_unknown_price';
      const item = unknownPrice.data.object.items.data[0];
      item.price = { ...item.price, id: 'price_not_mapped', metadata: {} };
      const answer = await deliver(harness.engine, unknownPrice);
      expect(answer.status).toBe(422);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({
        type: 'urn:referrals:problem:unmappable-stripe-event',
        problems: [
          { path: 'data.object.items', rule: expect.stringContaining('price_not_mapped') },
        ],
      });
      const raw = await harness.engine.runtime.store.readStream(rawStripeStream(life.PROGRAM));
      expect(raw.at(-1)?.data).toEqual(unknownPrice);
    });
  });
});
