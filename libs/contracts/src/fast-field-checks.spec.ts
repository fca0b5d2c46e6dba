import fc from 'fast-check';
import type { z } from 'zod';
import {
  FieldCheck,
  isCurrency,
  isEmail,
  isIdentifier,
  isIdentifierOf,
  isInstant,
  isMinorUnits,
  isProgramId,
  isReferralCode,
  isShortText,
} from './fast-field-checks';
import {
  currency,
  email,
  identifier,
  identifierOf,
  instant,
  minorUnits,
  programId,
  referralCode,
  shortText,
} from './primitives';

/**
 * Each hand-written field rule says yes exactly when its zod schema does: never
 * more (it would let a bad event in), and not less (it would send good events to zod).
 */
/** Throws if `check` and `schema` disagree on `value`; else tells whether both accept it. */
const acceptedByBoth = (check: FieldCheck, schema: z.ZodType, value: unknown): boolean => {
  const zod = schema.safeParse(value);
  if (check(value) !== zod.success) {
    throw new Error(`${JSON.stringify(value)}: fast says ${check(value)}, zod ${zod.success}`);
  }
  // The schema returns what it was given: the fast path can hand the input on as it is.
  if (zod.success) expect(Object.is(zod.data, value)).toBe(true);
  return zod.success;
};
const agrees = (check: FieldCheck, schema: z.ZodType) => (value: unknown) => {
  acceptedByBoth(check, schema, value);
};

const EMOJI = '\u{1F600}';
const piece = fc.constantFrom(
  'a',
  'Z',
  '0',
  '-',
  '_',
  '@',
  ' ',
  'é',
  EMOJI,
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u2028',
);
/** Strings around `max`: a long ASCII or emoji run, then a few pieces that may break a rule. */
const around = (max: number) =>
  fc
    .tuple(
      fc.integer({ min: Math.max(0, max - 3), max: max + 1 }),
      fc.constantFrom('a', EMOJI),
      fc.array(piece, { maxLength: 3 }),
    )
    .map(([n, unit, tail]) => unit.repeat(n) + tail.join(''));
const strings = (max: number) =>
  fc.oneof(
    fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    around(max),
  );
const notStrings = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 0, true, [], {}, ['a'], new String('a')),
  fc.anything(),
);

const runs = { numRuns: 3_000 };

describe('the fast field rules agree with zod', () => {
  it.each([
    ['identifier (200)', isIdentifier, identifier, 200],
    ['identifierOf(64)', isIdentifierOf(64), identifierOf(64), 64],
    ['shortText(100)', isShortText(100), shortText(100), 100],
    ['shortText(200)', isShortText(200), shortText(200), 200],
    ['shortText(500)', isShortText(500), shortText(500), 500],
    ['email', isEmail, email, 320],
  ] as const)('%s', (_, check, schema, max) => {
    fc.assert(
      fc.property(fc.oneof(strings(max), strings(5), notStrings), agrees(check, schema)),
      runs,
    );
  });

  it('programId and referralCode', () => {
    const ids = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9_-]{0,66}$/),
      fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{2,33}\n?$/),
      strings(64),
      notStrings,
    );
    fc.assert(fc.property(ids, agrees(isProgramId, programId)), runs);
    fc.assert(fc.property(ids, agrees(isReferralCode, referralCode)), runs);
  });

  it('currency', () => {
    const codes = fc.oneof(
      fc.constantFrom(...Intl.supportedValuesOf('currency'), 'VED'),
      fc.constantFrom(...Intl.supportedValuesOf('currency')).map((c) => c.toLowerCase()),
      fc.stringMatching(/^[A-Z]{2,4}$/),
      fc.constantFrom('__proto__', 'constructor', 'has', 'size'),
      notStrings,
    );
    fc.assert(fc.property(codes, agrees(isCurrency, currency)), runs);
  });

  it('minor units', () => {
    const amounts = fc.oneof(
      fc.integer({ min: -10, max: 1_000_000 }),
      fc.double(),
      fc.constantFrom<unknown>(
        -0,
        0.5,
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER + 1,
        Number.MAX_SAFE_INTEGER + 2,
        1e300,
        Infinity,
        NaN,
        '1',
        null,
        1n,
      ),
      notStrings,
    );
    fc.assert(fc.property(amounts, agrees(isMinorUnits, minorUnits)), runs);
  });

  it('instant', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const pick = <T>(...values: T[]) => fc.constantFrom(...values);
    // Mostly well-formed, each part now and then just out of its range or spelled another way,
    // so that most strings break one rule or none.
    const part = <T>(usual: fc.Arbitrary<T>, ...odd: T[]) =>
      fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
    const written = fc
      .record({
        year: part(fc.integer({ min: 2000, max: 2099 }), 1999, 2100, 1900, 0, 9999),
        month: part(fc.integer({ min: 1, max: 12 }), 0, 13, 2, 2),
        day: part(fc.integer({ min: 1, max: 28 }), 0, 29, 30, 31, 32),
        hour: part(fc.integer({ min: 0, max: 23 }), 24, 25, 0, 23),
        minute: part(fc.integer({ min: 0, max: 59 }), 60, 61, 0, 59),
        second: part(fc.integer({ min: 0, max: 59 }), 60, 61, 0, 59),
        t: part(fc.constant('T'), 't', ' ', '_'),
        seconds: part(fc.constant(true), false),
        fraction: part(pick('', '.0', '.999', '.123456', '.1234567890123'), '.', '.1a', ',5', '.٣'),
        zone: part(
          pick('Z', '+00:00', '-00:00', '+01:00', '-23:59', '+23:59', '+05:30'),
          ...['+24:00', '+05:60', '+0530', '+05', 'z', '', ' Z', 'Z ', '+05:30\n', '+5:30'],
        ),
        prefix: part(fc.constant(''), '+', ' ', '0', '\ufeff'),
      })
      .map(
        (p) =>
          `${p.prefix}${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}${p.t}` +
          `${pad(p.hour, 2)}:${pad(p.minute, 2)}${p.seconds ? `:${pad(p.second, 2)}` : ''}` +
          `${p.fraction}${p.zone}`,
      );
    const edges = pick(
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T00:00:00Z',
      '2000-01-01T00:59:59+01:00',
      '2000-01-01T01:00:00+01:00',
      '1999-12-31T23:00:00-01:00',
      '2099-12-31T23:59:59.999Z',
      '2099-12-31T23:59:59-00:01',
      '2099-12-31T23:00:00-01:00',
      '2100-01-01T00:00:00+00:01',
      '2100-01-01T00:00:00Z',
      '2000-02-29T12:00:00Z',
      '2024-02-29T12:00:00Z',
      '2026-02-29T12:00:00Z',
      '2026-02-30T12:00:00Z',
      '\u0662026-01-10T12:00:00Z',
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(written, edges, strings(30), notStrings), (value) => {
        if (acceptedByBoth(isInstant, instant, value)) accepted++;
      }),
      { numRuns: 20_000 },
    );
    // Both sides of the line are well covered: many accepted, many refused.
    expect(accepted).toBeGreaterThan(2_000);
    expect(accepted).toBeLessThan(18_000);
  });
});
