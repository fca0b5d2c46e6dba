import { UsageError } from '../usage-error';

/**
 * A tuning variable's value: a whole number of at least 1, or `fallback`
 * when it is unset or empty. Anything else is the analyst's mistake, said
 * as one line naming the variable (exit 2), not quietly replaced by the
 * default.
 */
export function wholeNumberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${name}: must be a whole number of at least 1, not "${raw}"`);
  }
  return value;
}
