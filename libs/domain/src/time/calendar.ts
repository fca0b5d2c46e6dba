import { UTCDate } from '@date-fns/utc';
import { addBusinessDays, addMonths, startOfMonth, subDays } from 'date-fns';

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

/** The `n`th business day (Mon–Fri) of the month of `at`, at 00:00 UTC. */
export const businessDayOfMonth = (at: Instant, n: number): Instant =>
  addBusinessDays(subDays(startOfMonth(new UTCDate(at)), 1), n).getTime();
