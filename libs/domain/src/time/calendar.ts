import { UTCDate } from '@date-fns/utc';
import { addMonths, startOfMonth } from 'date-fns';
import { isBusinessDay } from './business-calendar';

/** Calendar arithmetic of the programs, always in UTC, on epoch milliseconds. */

export type Instant = number;

export const parseInstant = (iso: string): Instant => Date.parse(iso);
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
  let day = startOfMonth(new UTCDate(at)).getTime();
  for (let counted = 0; ; day += DAY) {
    if (isBusinessDay(day, calendar)) counted += 1;
    if (counted === n) return day;
  }
}
