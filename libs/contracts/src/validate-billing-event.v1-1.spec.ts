import type { ProgramCatalogs } from './program-catalog';
import type { Problem } from './problems';
import { validateBillingEvent } from './validate-billing-event';

/** CONTRACT §1 as v1.1 tightens it: characters, the date range, the clock, currentPeriodEnd. */

const catalogs: ProgramCatalogs = {
  catalogOf: (program) =>
    program === 'kallyai' ? { plans: ['starter', 'pro', 'power'] } : undefined,
  programIds: () => ['kallyai'],
};
const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'payment.succeeded',
  program: 'kallyai',
  accountId: 'acct-1',
  occurredAt: '2026-01-10T12:00:00Z',
  data: { invoiceId: 'inv-1', amount: 900, currency: 'USD' },
  ...overrides,
});
const problemsOf = (input: unknown, clock?: { now: number; maxSkewMs: number }) => {
  const result = validateBillingEvent(input, catalogs, clock);
  return result.ok ? [] : (result.problems as Problem[]);
};
const pathsOf = (input: unknown) => problemsOf(input).map((p) => p.path);

describe('characters', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00'],
  ])('an id with %s is refused, naming the field', (_, id) => {
    expect(pathsOf(event({ id }))).toEqual(['id']);
    expect(pathsOf(event({ accountId: id }))).toEqual(['accountId']);
    expect(pathsOf(event({ data: { invoiceId: id, amount: 1, currency: 'USD' } }))).toEqual([
      'data.invoiceId',
    ]);
  });

  it('a surrogate pair (an emoji) is one character, and fine', () => {
    expect(pathsOf(event({ id: '🎉'.repeat(200) }))).toEqual([]);
    expect(pathsOf(event({ id: '🎉'.repeat(201) }))).toEqual(['id']);
  });

  it.each([
    ['referralCode', { type: 'account.signed_up', data: { referralCode: 'ab\u0001' } }],
    ['referrerAccountId', { type: 'account.signed_up', data: { referrerAccountId: '\u0000' } }],
    ['organizationId', { type: 'account.updated', data: { organizationId: 'o\u001f' } }],
    [
      'paymentMethodFingerprint',
      {
        data: { invoiceId: 'i', amount: 1, currency: 'USD', paymentMethodFingerprint: 'f\n' },
      },
    ],
  ])('the id-like data field %s follows the id rule', (field, overrides) => {
    expect(pathsOf(event(overrides))).toEqual([`data.${field}`]);
  });

  it('free text may hold a newline but never U+0000', () => {
    const named = (name: string) => event({ type: 'account.updated', data: { name } });
    expect(pathsOf(named('Line one\nline two'))).toEqual([]);
    expect(problemsOf(named('Nul\u0000'))).toEqual([
      { path: 'data.name', rule: 'must not contain U+0000' },
    ]);
  });

  it.each([
    ['name', 'account.updated', 'Zoë \ud83d'],
    ['email', 'account.updated', 'a\udc00@example.com'],
    ['reason', 'subscription.cancelled', '\udc00'],
  ])(
    'free text (%s) may not hold a lone surrogate: half a character, not storable',
    (field, type, text) => {
      expect(problemsOf(event({ type, data: { [field]: text } }))).toEqual([
        { path: `data.${field}`, rule: 'must not contain a lone surrogate' },
      ]);
      expect(
        pathsOf(event({ type, data: { [field]: `${field === 'email' ? 'a@' : ''}Zoë 🎉` } })),
      ).toEqual([]);
    },
  );
});

describe('occurredAt', () => {
  it.each(['2000-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z', '2000-01-01T01:00:00+01:00'])(
    '%s is in range',
    (occurredAt) => expect(pathsOf(event({ occurredAt }))).toEqual([]),
  );

  it.each([
    '1999-12-31T23:59:59Z',
    '2100-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T00:00:00Z',
    '2000-01-01T00:30:00+01:00',
  ])('%s is out of range, with one problem that says so', (occurredAt) => {
    expect(problemsOf(event({ occurredAt }))).toEqual([
      { path: 'occurredAt', rule: expect.stringMatching(/2000-01-01.*2100-01-01/) },
    ]);
  });

  it.each(['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z'])(
    '%s, a calendar date that does not exist, is refused',
    (occurredAt) => expect(pathsOf(event({ occurredAt }))).toEqual(['occurredAt']),
  );

  it('on the live edge, more than MAX_CLOCK_SKEW ahead of the clock is refused', () => {
    const clock = { now: Date.parse('2026-01-10T12:00:00Z'), maxSkewMs: 300_000 };
    expect(problemsOf(event({ occurredAt: '2026-01-10T12:05:00Z' }), clock)).toEqual([]);
    expect(problemsOf(event({ occurredAt: '2026-01-10T12:05:01Z' }), clock)).toEqual([
      { path: 'occurredAt', rule: expect.stringContaining('MAX_CLOCK_SKEW') },
    ]);
    // The replay has no clock: history is history.
    expect(problemsOf(event({ occurredAt: '2099-01-01T00:00:00Z' }))).toEqual([]);
  });
});

describe('currentPeriodEnd', () => {
  it.each([
    ['subscription.activated', { plan: 'pro' }],
    ['subscription.plan_changed', { plan: 'pro' }],
    ['payment.succeeded', { invoiceId: 'i', amount: 900, currency: 'USD' }],
  ])('is accepted on %s', (type, data) => {
    const withEnd = { ...data, currentPeriodEnd: '2026-02-10T12:00:00Z' };
    expect(pathsOf(event({ type, data: withEnd }))).toEqual([]);
    const bad = { ...data, currentPeriodEnd: 'next month' };
    expect(pathsOf(event({ type, data: bad }))).toEqual(['data.currentPeriodEnd']);
  });

  it.each([
    ['payment.failed', { invoiceId: 'i', amount: 900, currency: 'USD' }],
    ['subscription.cancelled', {}],
  ])('is an unknown key on %s', (type, data) => {
    const withEnd = { ...data, currentPeriodEnd: '2026-02-10T12:00:00Z' };
    expect(problemsOf(event({ type, data: withEnd }))).toEqual([
      { path: 'data.currentPeriodEnd', rule: 'unknown key' },
    ]);
  });
});
