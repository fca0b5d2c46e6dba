import {
  EARLIEST_INSTANT,
  END_OF_INSTANTS,
  hasLoneSurrogate,
  isCurrencyCode,
  PROGRAM_ID_PATTERN,
  REFERRAL_CODE_PATTERN,
} from './primitives';

/**
 * The field rules of primitives.ts as plain predicates that allocate nothing,
 * for the success path of validateBillingEvent. Each must say yes only to what
 * its zod schema accepts unchanged; a `false` only sends the event to zod,
 * which then names the problem, so a predicate may be stricter than its schema
 * but never looser.
 */
export type FieldCheck = (value: unknown) => boolean;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Code points as `for…of` counts them: a surrogate pair is one, a lone surrogate is one too. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHighSurrogate(s.charCodeAt(i)) && isLowSurrogate(s.charCodeAt(i + 1))) i++;
    n++;
  }
  return n;
}

/** Any surrogate: most text has none, and only then is a lone one looked for. */
const SURROGATE = /[\ud800-\udfff]/;

/** shortText(max): 1..max code points, no U+0000, no lone surrogate. */
export const isShortText =
  (max: number): FieldCheck =>
  (v) => {
    if (typeof v !== 'string' || v.length === 0 || v.includes('\u0000')) return false;
    if (SURROGATE.test(v) && hasLoneSurrogate(v)) return false;
    // A string is never more code points than UTF-16 units, so short ones need no count.
    return v.length <= max || codePoints(v) <= max;
  };

/** identifierOf(max): 1..max code points, no U+0000–U+001F or U+007F, no lone surrogate. */
export const isIdentifierOf =
  (max: number): FieldCheck =>
  (v) => {
    if (typeof v !== 'string' || v.length === 0) return false;
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      const unit = v.charCodeAt(i);
      if (unit < 0x20 || unit === 0x7f || isLowSurrogate(unit)) return false;
      if (isHighSurrogate(unit)) {
        if (!isLowSurrogate(v.charCodeAt(i + 1))) return false;
        i++;
      }
      n++;
    }
    return n <= max;
  };

export const isIdentifier = isIdentifierOf(200);

export const isProgramId: FieldCheck = (v) => typeof v === 'string' && PROGRAM_ID_PATTERN.test(v);

export const isReferralCode: FieldCheck = (v) =>
  typeof v === 'string' && REFERRAL_CODE_PATTERN.test(v);

const isShortText320 = isShortText(320);
export const isEmail: FieldCheck = (v) => isShortText320(v) && (v as string).includes('@');

export const isBoolean: FieldCheck = (v) => typeof v === 'boolean';

export const isMinorUnits: FieldCheck = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

export const isCurrency: FieldCheck = (v) => typeof v === 'string' && isCurrencyCode(v);

/**
 * instant: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, a real Gregorian date, hours 00–23,
 * minutes and seconds 00–59 (zod's datetime pattern with offsets), then the
 * schema's range: 2000-01-01T00:00:00Z up to but not including 2100-01-01T00:00:00Z.
 */
export const isInstant: FieldCheck = (v) => {
  if (typeof v !== 'string' || v.length < 20) return false;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  if (v.charCodeAt(4) !== DASH || v.charCodeAt(7) !== DASH || v.charCodeAt(10) !== LETTER_T) {
    return false;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (!isClock(v, 11) || v.charCodeAt(16) !== COLON || !isBelowSixty(v, 17)) return false;
  let i = 19;
  let fractionDigits = 0;
  if (v.charCodeAt(i) === DOT) {
    const start = ++i;
    while (isDigit(v.charCodeAt(i))) i++;
    fractionDigits = i - start;
    if (fractionDigits === 0) return false;
  }
  const zone = v.charCodeAt(i);
  if (zone === LETTER_Z) {
    if (i + 1 !== v.length) return false;
  } else if (zone === PLUS || zone === DASH) {
    if (i + 6 !== v.length || !isClock(v, i + 1)) return false;
  } else {
    return false;
  }
  // An offset moves the instant by less than a day, so 2001–2098 are inside the range
  // whatever it is; Date.parse (a third of this check's time) only decides near its ends.
  if (year > 2000 && year < 2099 && fractionDigits <= 9) return true;
  const ms = Date.parse(v);
  return ms >= EARLIEST_INSTANT && ms < END_OF_INSTANTS;
};

const DASH = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const COLON = 0x3a;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const isDigit = (unit: number) => unit >= 0x30 && unit <= 0x39;

/** The number written by `length` ASCII digits from `at`, or -1 if any is not one. */
function digits(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const unit = s.charCodeAt(i);
    if (!isDigit(unit)) return -1;
    n = n * 10 + (unit - 0x30);
  }
  return n;
}

/** `hh:mm` at `at`, hours 00–23, minutes 00–59. */
function isClock(s: string, at: number): boolean {
  const hours = digits(s, at, 2);
  return hours >= 0 && hours <= 23 && s.charCodeAt(at + 2) === COLON && isBelowSixty(s, at + 3);
}

/** Two digits 00–59 at `at`. */
function isBelowSixty(s: string, at: number): boolean {
  const n = digits(s, at, 2);
  return n >= 0 && n <= 59;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
