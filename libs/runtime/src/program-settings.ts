import { PROGRAM_ID_PATTERN } from '@referrals/contracts';

/** One entry of `API_KEYS`: a key and the one program it reaches. */
export interface ProgramKey {
  readonly program: string;
  readonly key: string;
}

/**
 * `API_KEYS` (`program:key,…`) read entry by entry, with what is wrong with
 * it. A key given twice is refused: a caller is known by its key alone, so
 * the second program would never be reached with it.
 */
export function readApiKeys(text: string): { keys: ProgramKey[]; problems: string[] } {
  const keys: ProgramKey[] = [];
  const problems: string[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const program = entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    const owner = keys.find((known) => known.key === key);
    if (colon <= 0 || key === '') {
      problems.push(`entry ${index + 1} must be program:key`);
    } else if (!PROGRAM_ID_PATTERN.test(program)) {
      problems.push(`entry ${index + 1}: the program must match ${PROGRAM_ID_PATTERN.source}`);
    } else if (owner) {
      problems.push(`entry ${index + 1}: its key is already ${owner.program}'s`);
    } else {
      keys.push({ program, key });
    }
  }
  return { keys, problems };
}

/** The settings that name programs, and the programs each names. */
interface ProgramNamingSettings {
  readonly API_KEYS: string;
  readonly WEBHOOKS: Readonly<Record<string, unknown>>;
  readonly SIGNUP_URLS: Readonly<Record<string, unknown>>;
  readonly STRIPE_WEBHOOK_SECRETS: Readonly<Record<string, unknown>>;
  readonly STRIPE_PRICE_MAP: Readonly<Record<string, unknown>>;
  readonly STRIPE_PROMOTIONS: Readonly<Record<string, unknown>>;
}

/**
 * A program named in a setting that the engine does not run: a typo that
 * would otherwise leave a key reaching nothing, or webhooks never sent.
 */
export function unknownProgramProblems(
  config: ProgramNamingSettings,
  programIds: readonly string[],
): string[] {
  const known = new Set(programIds);
  const named: [string, string[]][] = [
    ['API_KEYS', readApiKeys(config.API_KEYS).keys.map((k) => k.program)],
    ['WEBHOOKS', Object.keys(config.WEBHOOKS)],
    ['SIGNUP_URLS', Object.keys(config.SIGNUP_URLS)],
    ['STRIPE_WEBHOOK_SECRETS', Object.keys(config.STRIPE_WEBHOOK_SECRETS)],
    ['STRIPE_PRICE_MAP', Object.keys(config.STRIPE_PRICE_MAP)],
    ['STRIPE_PROMOTIONS', Object.keys(config.STRIPE_PROMOTIONS)],
  ];
  const list = programIds.join(', ');
  return named.flatMap(([setting, programs]) =>
    [...new Set(programs)]
      .filter((program) => !known.has(program))
      .map((program) => `${setting}: ${JSON.stringify(program)} is not a program (${list})`),
  );
}
