import type { ProgramCatalogs } from './program-catalog';
import type { Problem } from './problems';
import { validateBillingEvent } from './validate-billing-event';

/** CONTRACT §1: every rule, each broken alone; the answer names the field and the rule. */

// The catalogs of the three built-in programs as the contract describes them (§3).
const catalogs: ProgramCatalogs = {
  catalogOf: (program) =>
    ({
      kallyai: { plans: ['starter', 'pro', 'power'] },
      callrail: { plans: ['starter', 'pro', 'premium'] },
      smithai: {
        plans: 'any' as const,
        products: ['virtual_receptionist', 'voice_assistant', 'chat', 'outreach'],
      },
    })[program],
  programIds: () => ['kallyai', 'callrail', 'smithai'],
};

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'payment.succeeded',
  program: 'callrail',
  accountId: 'acct-1',
  occurredAt: '2026-01-10T12:00:00Z',
  data: { invoiceId: 'inv-1', amount: 4500, currency: 'USD' },
  ...overrides,
});
const problemsOf = (input: unknown): readonly Problem[] => {
  const result = validateBillingEvent(input, catalogs);
  return result.ok ? [] : result.problems;
};
const rejects = (input: unknown, path: string, rule: RegExp) =>
  expect(problemsOf(input)).toContainEqual({ path, rule: expect.stringMatching(rule) });

describe('a well-formed event', () => {
  it.each([
    ['referral_code.assigned', 'kallyai', { code: 'ALICE-1' }],
    ['account.signed_up', 'kallyai', { referralCode: 'alice-1', email: 'b@x.io', partner: false }],
    ['account.signed_up', 'callrail', {}],
    ['account.updated', 'smithai', { organizationId: 'org-1', name: 'Firm' }],
    ['subscription.activated', 'kallyai', { plan: 'power' }],
    ['subscription.activated', 'smithai', { plan: 'anything', product: 'chat' }],
    ['subscription.plan_changed', 'callrail', { plan: 'premium' }],
    ['subscription.cancelled', 'callrail', { reason: 'budget' }],
    [
      'payment.succeeded',
      'callrail',
      { invoiceId: 'i', amount: 0, currency: 'EUR', paymentMethodFingerprint: 'fp' },
    ],
    ['payment.failed', 'callrail', { invoiceId: 'i', amount: 4500, currency: 'USD' }],
    ['payment.refunded', 'callrail', { invoiceId: 'i', amount: 4500, currency: 'USD' }],
  ])('%s of %s is accepted', (type, program, data) => {
    expect(validateBillingEvent(event({ type, program, data }), catalogs)).toMatchObject({
      ok: true,
    });
  });

  it.each(['2026-01-10T12:00:00Z', '2026-01-10T14:00:00+02:00', '2026-01-10T12:00:00.123-05:00'])(
    'occurredAt %s names its offset and is accepted',
    (occurredAt) => expect(problemsOf(event({ occurredAt }))).toEqual([]),
  );
});

describe('the envelope', () => {
  it('an unknown type is named with the types allowed', () =>
    rejects(event({ type: 'payment.disputed' }), 'type', /must be one of .*payment\.succeeded/));

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'a type named like what every object inherits (%s) is an unknown type, not a crash',
    (type) => rejects(event({ type }), 'type', /must be one of/),
  );

  it.each(['Callrail', '-callrail', 'call rail', 'a'.repeat(65)])(
    'program id %s breaks the pattern',
    (program) => rejects(event({ program }), 'program', /must match \^\[a-z0-9\]/),
  );

  it('a well-formed but unknown program is rejected', () =>
    rejects(event({ program: 'acme' }), 'program', /unknown program "acme"/));

  it.each(['', 'x'.repeat(201)])('an id of %#th bad length is rejected', (id) =>
    rejects(event({ id }), 'id', /1 to 200 characters/),
  );

  it('a missing accountId is required', () =>
    rejects(event({ accountId: undefined }), 'accountId', /required/));

  it.each(['2026-01-10T12:00:00', '2026-01-10', 'yesterday'])(
    'occurredAt %s without an offset is rejected',
    (occurredAt) => rejects(event({ occurredAt }), 'occurredAt', /offset or Z/),
  );

  it('data that is not an object is rejected', () =>
    rejects(event({ data: [1] }), 'data', /object/));

  it('an unknown key beside the fields is rejected', () =>
    rejects(event({ tenant: 'x' }), 'tenant', /unknown key/));
});

describe('the data of a type', () => {
  it('an unknown key is rejected by name', () =>
    rejects(
      event({ data: { invoiceId: 'i', amount: 1, currency: 'USD', coupon: 'X' } }),
      'data.coupon',
      /unknown key/,
    ));

  it('an unknown key that is no name is quoted, so the path stays one line', () =>
    rejects(
      event({ data: { invoiceId: 'i', amount: 1, currency: 'USD', 'x\nline 9: id': 1 } }),
      'data["x\\nline 9: id"]',
      /unknown key/,
    ));

  // JSON.parse makes `__proto__` an own key, which zod's strict object lets by.
  it.each(['__proto__', 'constructor', 'prototype'])(
    'a key %s, which could reach an object prototype, is refused where it is',
    (key) => {
      const line = `{"id":"e1","type":"account.updated","program":"callrail","accountId":"a","occurredAt":"2026-01-10T12:00:00Z","data":{"${key}":{"email":"x@y.io"}}}`;
      expect(problemsOf(JSON.parse(line))).toEqual([
        { path: `data.${key}`, rule: expect.stringMatching(/forbidden key/) },
      ]);
    },
  );

  it('a missing field is required', () =>
    rejects(event({ data: { amount: 1, currency: 'USD' } }), 'data.invoiceId', /required/));

  it.each([45.5, '45.00', -1])('amount %p is not an integer amount ≥ 0', (amount) =>
    rejects(
      event({ data: { invoiceId: 'i', amount, currency: 'USD' } }),
      'data.amount',
      /integer|0 or more/,
    ),
  );

  it.each(['usd', 'XYZ', 'dollars', 'XXX', 'XTS', 'XAU'])(
    'currency %s is not an ISO-4217 currency an invoice is paid in',
    (currency) =>
      rejects(
        event({ data: { invoiceId: 'i', amount: 1, currency } }),
        'data.currency',
        /ISO-4217/,
      ),
  );

  // VED: in ISO's List One since 2021, left out of CLDR; HRK: withdrawn in 2023, still history.
  it.each(['USD', 'JPY', 'VED', 'VES', 'HRK'])('currency %s is taken', (currency) =>
    expect(problemsOf(event({ data: { invoiceId: 'i', amount: 1, currency } }))).toEqual([]),
  );

  it.each(['abcd', 'AB1', '-ABCD', 'ALICE_1', 'A'.repeat(33)])(
    'code %s breaks the code pattern',
    (code) =>
      rejects(event({ type: 'referral_code.assigned', data: { code } }), 'data.code', /must match/),
  );

  it('partner must be a boolean', () =>
    rejects(
      event({ type: 'account.signed_up', data: { partner: 'yes' } }),
      'data.partner',
      /boolean/,
    ));
});

describe('the program’s catalog', () => {
  const subscription = (program: string, data: object, type = 'subscription.activated') =>
    event({ type, program, data });

  it.each(['subscription.activated', 'subscription.plan_changed'])(
    '%s with a plan not in the catalog is rejected',
    (type) =>
      rejects(
        subscription('kallyai', { plan: 'premium' }, type),
        'data.plan',
        /must be a plan of kallyai/,
      ),
  );

  it.each(['subscription.activated', 'subscription.plan_changed'])(
    '%s of smithai requires a product',
    (type) => rejects(subscription('smithai', { plan: 'vr-50' }, type), 'data.product', /required/),
  );

  it('a product not in the catalog is rejected', () =>
    rejects(
      subscription('smithai', { plan: 'p', product: 'fax' }),
      'data.product',
      /must be a product of smithai/,
    ));

  it('a product where the program sells none is rejected', () =>
    rejects(
      subscription('callrail', { plan: 'pro', product: 'chat' }),
      'data.product',
      /sells no products/,
    ));
});

describe('an event breaking several rules', () => {
  it('lists every problem, each by its field', () => {
    const paths = problemsOf(
      event({ occurredAt: 'soon', data: { invoiceId: 'i', amount: 1.5, currency: 'usd' } }),
    ).map((p) => p.path);
    expect(paths.sort()).toEqual(['data.amount', 'data.currency', 'occurredAt']);
  });
});
