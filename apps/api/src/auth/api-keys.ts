import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { readApiKeys } from '@referrals/runtime';

/** Who called: `name` is what events record as the actor (`admin` or `program:<id>`). */
export type Caller =
  | { readonly admin: true; readonly name: string }
  | { readonly admin: false; readonly program: string; readonly name: string };

/**
 * The keys of `API_KEYS` (`program:key,…`) and `ADMIN_API_KEY`. Keys are kept
 * only as SHA-256 digests and compared in constant time, so neither timing
 * nor a memory dump gives one away.
 */
export class ApiKeys {
  private readonly keys: { digest: Buffer; caller: Caller }[] = [];

  constructor(apiKeys: string, adminKey?: string, adminName = 'admin') {
    const { keys, problems } = readApiKeys(apiKeys);
    if (problems.length > 0) throw new Error(`API_KEYS: ${problems.join('; ')}`);
    for (const { program, key } of keys) {
      this.keys.push({
        digest: digest(key),
        caller: { admin: false, program, name: `program:${program}` },
      });
    }
    if (adminKey)
      this.keys.push({ digest: digest(adminKey), caller: { admin: true, name: adminName } });
  }

  /** The caller a bearer key belongs to, or undefined. Every key is compared, match or not. */
  identify(key: string): Caller | undefined {
    const candidate = digest(key);
    let found: Caller | undefined;
    for (const { digest: known, caller } of this.keys) {
      if (timingSafeEqual(known, candidate) && !found) found = caller;
    }
    return found;
  }
}

// crypto.hash (Node 20.12+) digests in one call, without a Hash object: every request pays it.
const digest = (key: string): Buffer =>
  typeof hash === 'function'
    ? hash('sha256', key, 'buffer')
    : createHash('sha256').update(key).digest();

export const mayReach = (caller: Caller, program: string) =>
  caller.admin || caller.program === program;
