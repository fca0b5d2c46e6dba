import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import {
  BILLING_EVENT_TYPES,
  billingEventSchema,
  envelopeSchema,
  eventDataSchemas,
} from './billing-event.schema';
import { fastBillingEventCheck } from './fast-billing-event-check';

/**
 * The hand-written success path may only ever agree with zod: whatever it accepts,
 * zod accepts with the same value (deep-equal, and written by JSON.stringify in the
 * same key order). And it must really be the path taken: it accepts well-formed events.
 */

const zodOf = (input: unknown) => billingEventSchema.safeParse(input);

/** The property itself, for any input: fast accepts ⇒ zod accepts, with the same value. */
function agreesWithZod(input: unknown): boolean {
  const fast = fastBillingEventCheck(input);
  if (fast === undefined) return true;
  const zod = zodOf(input);
  if (!zod.success) {
    throw new Error(`fast path accepted what zod refuses: ${show(input)}\n${zod.error.message}`);
  }
  if (!isDeepStrictEqual(fast, zod.data) || JSON.stringify(fast) !== JSON.stringify(zod.data)) {
    throw new Error(`values differ: ${show(fast)} vs zod ${show(zod.data)}`);
  }
  return true;
}
const show = (v: unknown) => JSON.stringify(v, (_, x) => (x === undefined ? '<undefined>' : x));

// ---- valid events ----------------------------------------------------------------------

const EMOJI = '\u{1F600}'; // one code point, two UTF-16 units
const text = (max: number) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(max, 40) }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: Math.min(max, 20) }),
      fc.constantFrom(
        'a'.repeat(max),
        EMOJI.repeat(max),
        'é'.repeat(max),
        `a${EMOJI.repeat(max - 1)}`,
      ),
    )
    .filter((s) => !s.includes('\u0000'));
// eslint-disable-next-line no-control-regex -- ids may not hold control characters
const CONTROL = /[\u0000-\u001f\u007f]/;
const identifierOf = (max: number) =>
  fc
    .oneof(
      fc.stringMatching(/^[a-z0-9_-]{1,30}$/),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      fc.constantFrom('x'.repeat(max), EMOJI.repeat(max), `${EMOJI.repeat(max - 1)}z`),
    )
    .filter((s) => !CONTROL.test(s));
const identifier = identifierOf(200);
const programId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const referralCode = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{3,31}$/);
const currency = fc.constantFrom('USD', 'EUR', 'GBP', 'JPY', 'CHF');
const amount = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER),
);

const two = (n: number) => String(n).padStart(2, '0');
const instant = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2000, 0, 2), max: Date.UTC(2099, 11, 30) }),
    fraction: fc.constantFrom('', '.0', '.123', '.123456', '.123456789012'),
    offsetMinutes: fc.constantFrom(0, 0, 60, -300, 330, 23 * 60 + 59, -(23 * 60 + 59)),
    z: fc.boolean(),
  })
  .map(({ ms, fraction, offsetMinutes, z }) => {
    const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
    if (offsetMinutes === 0 && z) return `${local}${fraction}Z`;
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    return `${local}${fraction}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  });

const accountDetails = {
  email: text(300).map((s) => `${s}@x`),
  organizationId: identifier,
  name: text(200),
  partner: fc.boolean(),
};
const planChoice = { plan: text(100), product: text(100), currentPeriodEnd: instant };
const invoice = { invoiceId: identifier, amount, currency };
const all = <T extends object>(o: T) => Object.keys(o) as (keyof T)[];
const DATA = {
  'referral_code.assigned': fc.record({ code: referralCode }),
  'account.signed_up': fc.record(
    { referralCode: identifierOf(64), referrerAccountId: identifier, ...accountDetails },
    { requiredKeys: [] },
  ),
  'account.updated': fc.record(accountDetails, { requiredKeys: [] }),
  'subscription.activated': fc.record(planChoice, { requiredKeys: ['plan'] }),
  'subscription.plan_changed': fc.record(planChoice, { requiredKeys: ['plan'] }),
  'subscription.cancelled': fc.record({ reason: text(500) }, { requiredKeys: [] }),
  'payment.succeeded': fc.record(
    { ...invoice, paymentMethodFingerprint: identifier, currentPeriodEnd: instant },
    { requiredKeys: all(invoice) },
  ),
  'payment.failed': fc.record(invoice),
  'payment.refunded': fc.record(invoice),
};

/** Keys in a random order: zod answers them in the schema's order, and so must the fast path. */
const shuffled = (o: Record<string, unknown>) =>
  fc.shuffledSubarray(Object.keys(o), { minLength: Object.keys(o).length }).map((keys) => {
    const copy: Record<string, unknown> = {};
    for (const k of keys) copy[k] = o[k];
    return copy;
  });
const maybeShuffled = (o: Record<string, unknown>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant({ ...o }) }, { weight: 1, arbitrary: shuffled(o) });

const validEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(...BILLING_EVENT_TYPES)
  .chain((type) =>
    fc.record({
      id: identifier,
      type: fc.constant(type),
      program: programId,
      accountId: identifier,
      occurredAt: instant,
      data: (DATA[type] as fc.Arbitrary<Record<string, unknown>>).chain(maybeShuffled),
    }),
  )
  .chain(maybeShuffled);

// ---- near misses -----------------------------------------------------------------------

const NEAR_MISS_VALUES: unknown[] = [
  null,
  undefined,
  [],
  {},
  ['USD'],
  { nested: 1 },
  true,
  0,
  -0,
  -1,
  1.5,
  4500.0000001,
  Number.MAX_SAFE_INTEGER + 1,
  1e21,
  NaN,
  Infinity,
  '',
  ' ',
  '0',
  '4500',
  'usd',
  'USD ',
  'XXX',
  'ALICE-1',
  'AB1',
  'alice-1',
  'A'.repeat(32),
  'A'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  ...[99, 100, 101, 199, 200, 201, 319, 320, 321, 499, 500, 501].flatMap((n) => [
    'x'.repeat(n),
    EMOJI.repeat(n),
    `${'x'.repeat(n - 1)}@`,
    `${EMOJI.repeat(n - 1)}\ud800`,
  ]),
  'a\u0000b',
  'a\u0001b',
  'a\u001fb',
  'a\u007fb',
  'a\u0080b',
  'tab\there',
  '\ud800',
  '\udc00',
  'a\ud800b',
  '\udc00\ud800',
  '\ud800\ud800\udc00',
  '\ud83d\ude00\udc00',
  EMOJI,
  'Ünïcödé',
  'x@y',
  '@',
  '__proto__',
  'constructor',
  'Kallyai',
  'kallyai ',
  '-kallyai',
  '2026-02-30T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2100-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-01-00T00:00:00Z',
  '2026-01-32T00:00:00Z',
  '2026-01-10T24:00:00Z',
  '2026-01-10T23:60:00Z',
  '2026-01-10T23:59:60Z',
  '2026-01-10T12:00Z',
  '2026-01-10T12:00:00',
  '2026-01-10T12:00:00z',
  '2026-01-10t12:00:00Z',
  '2026-01-10 12:00:00Z',
  '2026-01-10T12:00:00.Z',
  '2026-01-10T12:00:00.1234567890123Z',
  '2026-01-10T12:00:00+0200',
  '2026-01-10T12:00:00+02',
  '2026-01-10T12:00:00+24:00',
  '2026-01-10T12:00:00+23:60',
  '2026-01-10T12:00:00-00:00',
  '2026-01-10T12:00:00+02:00 ',
  ' 2026-01-10T12:00:00Z',
  '2026-1-10T12:00:00Z',
  '+2026-01-10T12:00:00Z',
  '12026-01-10T12:00:00Z',
  '\u0662026-01-10T12:00:00Z',
  '1999-12-31T23:59:59.999Z',
  '2000-01-01T00:00:00Z',
  '2000-01-01T00:59:59+01:00',
  '2000-01-01T01:00:00+01:00',
  '2099-12-31T23:59:59.999Z',
  '2099-12-31T23:59:59-00:01',
  '2100-01-01T00:00:00Z',
  '2100-01-01T00:00:00+00:01',
  '2026-01-10',
];
const nearMissValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NEAR_MISS_VALUES) },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.double() },
);
const FIELD_NAMES = [
  'id',
  'type',
  'program',
  'accountId',
  'occurredAt',
  'data',
  'code',
  'referralCode',
  'referrerAccountId',
  'email',
  'organizationId',
  'name',
  'partner',
  'plan',
  'product',
  'currentPeriodEnd',
  'reason',
  'invoiceId',
  'amount',
  'currency',
  'paymentMethodFingerprint',
  'extra',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
];
const fieldName = fc.constantFrom(...FIELD_NAMES);

/** `o` as JSON.parse gives it with an own "__proto__" key (first or last), as a body could hold. */
function withProtoKey(o: unknown, first: boolean): unknown {
  const json = JSON.stringify(o);
  if (!json?.startsWith('{')) return o;
  const proto = '"__proto__":{"x":1}';
  const body = json.slice(1, -1);
  return JSON.parse(`{${[first ? proto : body, first ? body : proto].filter(Boolean).join(',')}}`);
}

type Mutation = (event: Record<string, unknown>) => unknown;
const onData =
  (change: (data: Record<string, unknown>) => void): Mutation =>
  (event) => {
    const data = event.data;
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      change(data as Record<string, unknown>);
    }
    return event;
  };
const defineOwn = (o: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fieldName, nearMissValue).map(
    ([k, v]): Mutation =>
      (e) =>
        defineOwn(e, k, v),
  ),
  fc.tuple(fieldName, nearMissValue).map(([k, v]) => onData((d) => defineOwn(d, k, v))),
  fieldName.map(
    (k): Mutation =>
      (e) => (delete e[k], e),
  ),
  fieldName.map((k) => onData((d) => delete d[k])),
  fc.constantFrom(...BILLING_EVENT_TYPES).map((t): Mutation => (e) => ({ ...e, type: t })),
  fc
    .constantFrom<Mutation>(
      (e) => withProtoKey(e, true),
      (e) => withProtoKey(e, false),
      (e) => ({ ...e, data: withProtoKey(e.data, true) }),
      (e) => ({ ...e, data: withProtoKey(e.data, false) }),
      (e) => Object.assign(Object.create({ extra: 1 }), e),
      (e) => Object.assign(Object.create(null), e),
      (e) => Object.assign(Object.create({ id: e.id }), { ...e, id: undefined }),
      (e) => {
        const { id, ...rest } = e;
        return Object.assign(Object.create({ id }), rest);
      },
      (e) =>
        Object.defineProperty({ ...e }, 'id', {
          value: e.id,
          enumerable: false,
          configurable: true,
        }),
      (e) =>
        Object.defineProperty({ ...e }, 'extra', {
          value: 1,
          enumerable: false,
          configurable: true,
        }),
      (e) => [e],
      (e) => ({ ...e, data: [e.data] }),
      (e) => ({ ...e, data: null }),
      (e) => ({ ...e, data: 'x' }),
      (e) => ({ ...e, data: new Map() }),
      (e) => new Map(Object.entries(e)),
      (e) => JSON.stringify(e),
    )
    .map((m) => m),
);

const nearMiss = fc
  .tuple(validEvent, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([event, mutations]) =>
    mutations.reduce<unknown>(
      (e, m) =>
        e && typeof e === 'object' && !Array.isArray(e) ? m(e as Record<string, unknown>) : e,
      event,
    ),
  );

describe('fastBillingEventCheck', () => {
  it('accepts only what zod accepts, and then with the value zod returns', () => {
    fc.assert(fc.property(fc.oneof(validEvent, nearMiss, nearMiss), agreesWithZod), {
      numRuns: 20_000,
    });
  });

  it('is the path taken: it accepts every well-formed event zod accepts', () => {
    let zodAccepted = 0;
    let fastAccepted = 0;
    fc.assert(
      fc.property(validEvent, (event) => {
        agreesWithZod(event);
        if (zodOf(event).success) zodAccepted++;
        if (fastBillingEventCheck(event) !== undefined) fastAccepted++;
      }),
      { numRuns: 5_000 },
    );
    // The generator makes well-formed events, so zod takes (nearly) all of them...
    expect(zodAccepted).toBeGreaterThanOrEqual(4_950);
    // ...and the fast path takes every one of those: it leaves only non-plain data to zod.
    expect(fastAccepted).toBe(zodAccepted);
  });

  it('takes near misses zod also takes, so it is not just refusing whatever is unusual', () => {
    let fastAccepted = 0;
    fc.assert(
      fc.property(nearMiss, (input) => {
        agreesWithZod(input);
        if (fastBillingEventCheck(input) !== undefined) fastAccepted++;
      }),
      { numRuns: 5_000 },
    );
    expect(fastAccepted).toBeGreaterThan(0);
  });

  it('returns the input itself when its keys come in the schema order (nothing allocated)', () => {
    const event = JSON.parse(
      '{"id":"e","type":"payment.succeeded","program":"callrail","accountId":"a",' +
        '"occurredAt":"2026-01-10T12:00:00Z","data":{"invoiceId":"i","amount":4500,"currency":"USD"}}',
    );
    expect(fastBillingEventCheck(event)).toBe(event);
  });

  it('copies an event whose keys come in another order, in the order zod writes them', () => {
    const event = JSON.parse(
      '{"data":{"name":"N","email":"n@x.io"},"id":"e","type":"account.updated",' +
        '"program":"kallyai","accountId":"a","occurredAt":"2026-01-10T12:00:00Z"}',
    );
    const fast = fastBillingEventCheck(event);
    expect(fast).not.toBe(event);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zodOf(event).data));
    expect(Object.keys(fast!.data)).toEqual(['email', 'name']);
  });
});

describe('fastBillingEventCheck with an enumerable key on Object.prototype', () => {
  it('finds it on both objects: no data field is also an envelope field', () => {
    const envelope = Object.keys(envelopeSchema.shape);
    for (const schema of Object.values(eventDataSchemas)) {
      expect(Object.keys(schema.shape).filter((key) => envelope.includes(key))).toEqual([]);
    }
  });

  // zod counts an inherited enumerable key as an unknown key of every object it checks, and
  // reads it as the value of a field of that name: whatever it answers, the fast path agrees.
  const event = {
    id: 'e',
    type: 'subscription.cancelled',
    program: 'callrail',
    accountId: 'a',
    occurredAt: '2026-01-10T12:00:00Z',
    data: {},
  };
  beforeEach(() => {
    // zod builds its lookup tables on first use, with for…in: before the key is there.
    expect(agreesWithZod(event)).toBe(true);
    Object.defineProperty(Object.prototype, 'reason', {
      value: 'inherited',
      enumerable: true,
      configurable: true,
      writable: true,
    });
  });
  afterEach(() => delete (Object.prototype as Record<string, unknown>).reason);

  it('leaves the event to zod', () => {
    expect(zodOf(event).success).toBe(false);
    expect(fastBillingEventCheck(event)).toBeUndefined();
    expect(agreesWithZod(event)).toBe(true);
  });
});
