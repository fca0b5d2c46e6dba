import { UTCDate } from '@date-fns/utc';
// One module each, not date-fns' index: every replay thread would load all of it.
import { addMonths } from 'date-fns/addMonths';
import { startOfMonth } from 'date-fns/startOfMonth';
import { isBusinessDay } from './business-calendar';

/** Calendar arithmetic of the programs, always in UTC, on epoch milliseconds. */

export type Instant = number;

/**
 * `Date.parse`, with a short cut for the form every stored instant takes
 * (`2026-04-02T10:00:00.000Z`, or without the milliseconds): the replay parses
 * one per event. Anything else, or a day past the 28th, is left to `Date.parse`.
 */
export function parseInstant(iso: string): Instant {
  const n = iso.length;
  if ((n === 24 || n === 20) && iso.charCodeAt(n - 1) === 90 /* Z */) {
    const ms = canonicalUtc(iso, n === 24);
    if (ms === ms) return ms;
  }
  return Date.parse(iso);
}

/** NaN unless `iso` is exactly `YYYY-MM-DDTHH:MM:SS[.sss]Z` with every field in range. */
function canonicalUtc(iso: string, withMillis: boolean): number {
  if (
    iso.charCodeAt(4) !== 45 ||
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 ||
    iso.charCodeAt(13) !== 58 ||
    iso.charCodeAt(16) !== 58 ||
    (withMillis && iso.charCodeAt(19) !== 46)
  ) {
    return NaN;
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hour = digits(iso, 11, 2);
  const minute = digits(iso, 14, 2);
  const second = digits(iso, 17, 2);
  const millis = withMillis ? digits(iso, 20, 3) : 0;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59)) {
    return NaN;
  }
  // Date.UTC reads years 0-99 as 1900-1999.
  if (!(second <= 59 && millis >= 0 && year >= 100)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** The decimal number of `count` ASCII digits at `from`; NaN if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}
export const formatInstant = (ms: Instant): string => new Date(ms).toISOString();
export const formatDate = (ms: Instant): string => formatInstant(ms).slice(0, 10);

/** `months` calendar months later, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export const addCalendarMonths = (at: Instant, months: number): Instant =>
  addMonths(new UTCDate(at), months).getTime();

/** 00:00 UTC on the first day of the month `months` after the month of `at`. */
export const startOfMonthAfter = (at: Instant, months: number): Instant =>
  addMonths(startOfMonth(new UTCDate(at)), months).getTime();

const DAY = 86_400_000;

/**
 * The `n`th business day of the month of `at`, at 00:00 UTC: Monday to Friday,
 * less the public holidays of `calendar` (`weekdays` has none) on their observed dates.
 */
export function businessDayOfMonth(at: Instant, n: number, calendar = 'weekdays'): Instant {
  const date = new Date(at);
  // Every reward of a month asks for the same day: work it out once.
  const key = `${calendar}|${n}|${date.getUTCFullYear()}-${date.getUTCMonth()}`;
  let day = businessDays.get(key);
  if (day === undefined) {
    day = countBusinessDays(at, n, calendar);
    businessDays.set(key, day);
  }
  return day;
}

const businessDays = new Map<string, Instant>();

function countBusinessDays(at: Instant, n: number, calendar: string): Instant {
  let day = startOfMonth(new UTCDate(at)).getTime();
  for (let counted = 0; ; day += DAY) {
    if (isBusinessDay(day, calendar)) counted += 1;
    if (counted === n) return day;
  }
}
