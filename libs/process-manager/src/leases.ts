import type { Redis } from 'ioredis';

/**
 * Time-limited leases: who may run a program's process manager. A lease is
 * an optimisation, not the guard of correctness: two holders at once (a
 * pause longer than the lease) still cannot both decide, because decisions
 * are appended at expected versions and the views' checkpoint only moves
 * forward. The lease keeps the work from being done twice.
 */
export interface LeaseStore {
  /** Takes the lease, or keeps it if `owner` holds it, for `ttlMs`; true while `owner` holds it. */
  hold(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  release(name: string, owner: string): Promise<void>;
}

// One atomic step each: read the holder and take, extend or refuse.
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Leases as Redis keys with an expiry, taken and extended by Lua scripts. */
export class RedisLeases implements LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hold(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(HOLD, 1, this.key(name), owner, String(ttlMs))) === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(name), owner);
  }

  private key(name: string): string {
    return `${this.prefix}:lease:${name}`;
  }
}
