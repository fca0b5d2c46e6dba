import { z } from 'zod';

/** Contract §1 field rules shared by several event types. */

export const PROGRAM_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const REFERRAL_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;

/** §1: history starts in 2000 and ends before 2100; outside it a date is a typo, not a fact. */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);
export const END_OF_INSTANTS = Date.UTC(2100, 0, 1);

// ISO-4217 currencies as the runtime's ICU data knows them, so the list is never written by
// hand: those in use and recently withdrawn ones (a 2022 HRK payment still replays), without
// the fund, metal and testing codes (XXX, XTS, XAU), which no invoice is paid in. CLDR leaves
// out one currency of ISO's List One, Venezuela's VED (ISO since 2021), so it is added.
const ISO_4217 = new Set([...Intl.supportedValuesOf('currency'), 'VED']);
export const isCurrencyCode = (code: string): boolean => ISO_4217.has(code);

// U+0000–U+001F and U+007F; a lone surrogate is a high one not followed by a low one, or a low one alone.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Whether `text` holds half a character: no UTF-8 can carry it, and PostgreSQL refuses it. */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

export const programId = z
  .string()
  .regex(PROGRAM_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,63}$');

/** Length in characters (code points), so an emoji is one character, as people count them. */
const characters = (s: string) => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

/**
 * Free text: any length rule the caller sets, never U+0000 (no string of an
 * event may hold it) and no lone surrogate: half a character is not text, no
 * UTF-8 can carry it, and PostgreSQL refuses it in the stored event.
 */
export const shortText = (max: number) =>
  z
    .string()
    .refine((s) => {
      const n = characters(s);
      return n >= 1 && n <= max;
    }, `must be 1 to ${max} characters`)
    .refine((s) => !s.includes('\u0000'), 'must not contain U+0000')
    .refine((s) => !hasLoneSurrogate(s), 'must not contain a lone surrogate');

/** §1's id rule: 1..max characters, no control characters, no lone surrogates. */
export const identifierOf = (max: number) =>
  z
    .string()
    .refine((s) => {
      const n = characters(s);
      return n >= 1 && n <= max;
    }, `must be 1 to ${max} characters`)
    .refine(
      (s) => !CONTROL_CHARACTER.test(s),
      'must not contain control characters (U+0000–U+001F, U+007F)',
    )
    .refine((s) => !hasLoneSurrogate(s), 'must not contain a lone surrogate');

export const identifier = identifierOf(200);

export const referralCode = z
  .string()
  .regex(REFERRAL_CODE_PATTERN, 'must match ^[A-Z0-9][A-Z0-9-]{3,31}$');

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

/** The calendar date written is a real one (no 2026-02-30, which Date.parse rolls into March). */
function isRealCalendarDate(iso: string): boolean {
  return ISO_DATE_TIME.test(iso) && isCalendarDate(iso.slice(0, 10));
}

/** `YYYY-MM-DD` names a day that exists (no 2026-02-30, which Date.parse rolls into March). */
export function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * An ISO-8601 date-time that names its offset (`Z` or `+hh:mm`), so it is one
 * instant, from 2000-01-01T00:00:00Z up to but not including 2100-01-01T00:00:00Z.
 * One problem per field: the first rule it breaks.
 */
export const instant = z.string().superRefine((iso, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (!isoDateTime.safeParse(iso).success) {
    return fail('must be an ISO-8601 date-time with an offset or Z');
  }
  if (!isRealCalendarDate(iso)) return fail('must be a real calendar date');
  const ms = Date.parse(iso);
  if (!(ms >= EARLIEST_INSTANT && ms < END_OF_INSTANTS)) {
    fail('must be from 2000-01-01T00:00:00Z up to but not including 2100-01-01T00:00:00Z');
  }
});

/** Money is an integer in minor units, as Stripe sends it. */
export const minorUnits = z
  .number({ message: 'must be an integer amount in minor units' })
  .int('must be an integer amount in minor units')
  .min(0, 'must be 0 or more')
  .max(Number.MAX_SAFE_INTEGER, 'must be at most 9007199254740991');

export const currency = z
  .string()
  .refine(isCurrencyCode, 'must be an ISO-4217 currency code in upper case, e.g. USD');

export const email = shortText(320).refine((e) => e.includes('@'), 'must be an email address');
