import { isCalendarDate } from '@referrals/contracts';
import { UsageError } from '../usage-error';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$/;

/**
 * `--as-of`: an ISO-8601 date-time with an offset or Z, or a date alone,
 * which means midnight UTC at its start (`2026-04-02` = `2026-04-02T00:00:00Z`).
 * Without it the clock is now.
 */
export function parseAsOf(value: string | undefined, now: () => Date): number {
  if (value === undefined) return now().getTime();
  return parseInstantOption('--as-of', value);
}

/** A date-time option (`--as-of`, `--since`): as `--as-of` reads it, named by `option` in its error. */
export function parseInstantOption(option: string, value: string): number {
  const iso = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value;
  const at = Date.parse(iso);
  if (!(DATE_ONLY.test(value) || WITH_OFFSET.test(value)) || Number.isNaN(at)) {
    throw new UsageError(
      `${option}: must be a date (2026-04-02, midnight UTC) or an ISO-8601 date-time with an offset or Z, got ${value}`,
    );
  }
  // Date.parse rolls 2026-02-30 over to March, with a time too; the date must exist as written.
  if (!isCalendarDate(value.slice(0, 10))) {
    throw new UsageError(`${option}: ${value.slice(0, 10)} is not a calendar date`);
  }
  return at;
}
