import { createHash } from 'node:crypto';
import type { Program } from '@referrals/domain';

/**
 * A program's version: the content hash of its rules (keys sorted, so the
 * same rules always hash alike). Decisions carry it, so a what-if or a
 * migration can tell which rules decided each referral.
 */
export function programVersion(program: Program): string {
  return `sha256:${createHash('sha256').update(canonicalJson(program)).digest('hex').slice(0, 16)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
