import { UsageError } from '../usage-error';

/**
 * A tuning variable's value: a whole number from 1 to `max`, written in
 * decimal digits, or `fallback` when it is unset or empty. Anything else
 * (`0x2`, `1e3`, `2.0`, a number past `max`) is the analyst's mistake, said
 * as one line naming the variable (exit 2), not quietly replaced or obeyed.
 */
export function wholeNumberFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'of at least 1' : `from 1 to ${max}`;
    throw new UsageError(`${name}: must be a whole number ${range}, not "${raw}"`);
  }
  return value;
}
