import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { LeaseStore, RedisLeases } from './leases';
import { ProgramLeaders, ProgramLeadersOptions } from './program-leaders';
import type { ReferralProcessManager } from './referral-process-manager';

const PROGRAMS = ['callrail', 'kallyai', 'smithai'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` holds or `withinMs` has passed; resolves with the time it took. */
async function waitFor(done: () => boolean, withinMs: number): Promise<number> {
  const from = Date.now();
  while (!done() && Date.now() - from < withinMs) await sleep(10);
  return Date.now() - from;
}

/**
 * Stands in for the process managers: what is under test is which worker
 * runs one for which program, not what a manager does.
 */
class Managers {
  private readonly running = new Map<string, string[]>();
  readonly startedBy: Record<string, string[]> = {};

  create(owner: string) {
    return (program: string): ReferralProcessManager => {
      const fake = {
        program,
        start: async () => {
          this.runnersOf(program).push(owner);
          (this.startedBy[owner] ??= []).push(program);
        },
        stop: async () => {
          const runners = this.runnersOf(program);
          runners.splice(runners.indexOf(owner), 1);
        },
        settle: async () => undefined,
        wake: async () => undefined,
        pendingChecks: () => [],
      };
      return fake as unknown as ReferralProcessManager;
    };
  }

  /** The workers running a manager for `program` now. */
  runnersOf(program: string): string[] {
    return this.running.get(program) ?? this.running.set(program, []).get(program)!;
  }
}

/** The leases as one worker sees them: once cut off, Redis answers it nothing. */
class CutOff implements LeaseStore {
  cut = false;
  constructor(private readonly leases: LeaseStore) {}
  async hold(name: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.cut) throw new Error('Redis unreachable');
    return this.leases.hold(name, owner, ttlMs);
  }
  async release(name: string, owner: string): Promise<void> {
    if (this.cut) throw new Error('Redis unreachable');
    return this.leases.release(name, owner);
  }
}

describe('leases on Redis', () => {
  let redis: IORedis;
  let prefix: string;
  let leases: RedisLeases;
  beforeAll(() => {
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    prefix = `leases-${randomUUID()}`;
    leases = new RedisLeases(redis, prefix);
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(() => redis.quit());

  describe('RedisLeases', () => {
    describe('while one owner holds a lease', () => {
      it('refuses it to another owner', async () => {
        expect(await leases.hold('pm', 'a', 5_000)).toBe(true);
        expect(await leases.hold('pm', 'b', 5_000)).toBe(false);
      });

      it('lets the holder renew it past its first TTL', async () => {
        await leases.hold('pm', 'a', 200);
        await sleep(120);
        expect(await leases.hold('pm', 'a', 200)).toBe(true);
        await sleep(120); // past the first TTL, within the renewed one
        expect(await leases.hold('pm', 'b', 200)).toBe(false);
      });
    });

    describe('when the holder stops renewing', () => {
      it('lets another owner take the lease once the TTL has passed', async () => {
        await leases.hold('pm', 'a', 100);
        await sleep(150);
        expect(await leases.hold('pm', 'b', 5_000)).toBe(true);
        expect(await leases.hold('pm', 'a', 5_000)).toBe(false);
      });
    });

    describe('release', () => {
      it('does nothing when asked by an owner that does not hold the lease', async () => {
        await leases.hold('pm', 'a', 5_000);
        await leases.release('pm', 'b');
        expect(await leases.hold('pm', 'b', 5_000)).toBe(false);
      });

      it('frees the lease at once when asked by its holder', async () => {
        await leases.hold('pm', 'a', 5_000);
        await leases.release('pm', 'a');
        expect(await leases.hold('pm', 'b', 5_000)).toBe(true);
      });
    });
  });

  describe('ProgramLeaders', () => {
    let managers: Managers;
    let all: ProgramLeaders[];
    beforeEach(() => {
      managers = new Managers();
      all = [];
    });
    afterEach(() => Promise.all(all.map((l) => l.stop())));

    const leaders = (
      owner: string,
      options: Partial<ProgramLeadersOptions> & { ttlMs: number },
    ): ProgramLeaders => {
      const l = new ProgramLeaders({
        programs: PROGRAMS,
        leases,
        owner,
        create: managers.create(owner),
        ...options,
      });
      all.push(l);
      return l;
    };
    const sorted = (programs: string[]) => [...programs].sort();

    describe('with two workers sharing three programs', () => {
      it('gives each program to exactly one of them, round after round', async () => {
        const a = leaders('a', { ttlMs: 300 });
        const b = leaders('b', { ttlMs: 300 });
        await Promise.all([a.start(), b.start()]);
        // Sampled over several renew rounds (one every 100 ms): nothing changes hands.
        for (let i = 0; i < 8; i++) {
          const [ofA, ofB] = [a.programs(), b.programs()];
          expect(sorted([...ofA, ...ofB])).toEqual(PROGRAMS);
          expect(ofA.filter((p) => ofB.includes(p))).toEqual([]);
          for (const program of PROGRAMS) expect(managers.runnersOf(program)).toHaveLength(1);
          await sleep(60);
        }
      });
    });

    describe('when the leader stops renewing', () => {
      it('lets the other take its programs over once their leases run out, and run them', async () => {
        const ttlMs = 300;
        const aLeases = new CutOff(leases);
        const a = leaders('a', { ttlMs, leases: aLeases });
        const b = leaders('b', { ttlMs });
        await a.start();
        await b.start();
        expect(sorted(a.programs())).toEqual(PROGRAMS);
        expect(b.programs()).toEqual([]);

        // As a crash looks from Redis: no more renewals, no release.
        aLeases.cut = true;
        const took = await waitFor(() => b.programs().length === PROGRAMS.length, 2_000);

        expect(sorted(b.programs())).toEqual(PROGRAMS);
        expect(sorted(managers.startedBy.b)).toEqual(PROGRAMS);
        // a renewed at most one period (ttl / 3) before; b looks once a period.
        expect(took).toBeGreaterThanOrEqual(ttlMs - ttlMs / 3 - 50);
        // (The upper bound has room for a loaded machine's event loop: never would be the failure.)
        expect(took).toBeLessThan(ttlMs + ttlMs / 3 + 400);
      });
    });

    describe('when a leader stops', () => {
      it('releases its leases, so another takes over at its next round, long before they would run out', async () => {
        // a's leases would last 10 s; b's short TTL only makes it look every 100 ms.
        const a = leaders('a', { ttlMs: 10_000 });
        const b = leaders('b', { ttlMs: 300 });
        await a.start();
        await b.start();
        await sleep(250);
        expect(b.programs()).toEqual([]); // a's leases keep b out while a runs

        await a.stop();
        for (const program of PROGRAMS) expect(managers.runnersOf(program)).not.toContain('a');
        const took = await waitFor(() => b.programs().length === PROGRAMS.length, 2_000);

        expect(sorted(b.programs())).toEqual(PROGRAMS);
        expect(took).toBeLessThan(2_000);
      });
    });

    describe('when another worker took the lease during a pause longer than it', () => {
      it('stops its managers at its next round', async () => {
        const now = Date.parse('2026-05-01T10:00:00Z'); // a's clock stands still: it feels no pause
        const cutOff = new CutOff(leases);
        const a = leaders('a', { ttlMs: 300, leases: cutOff, clock: () => now });
        await a.start();
        cutOff.cut = true;
        await sleep(350); // a's leases run out in Redis
        const b = leaders('b', { ttlMs: 300 });
        await b.start();
        expect(sorted(b.programs())).toEqual(PROGRAMS);

        cutOff.cut = false; // a hears from Redis again: refused
        await waitFor(() => a.programs().length === 0, 1_000);
        expect(a.programs()).toEqual([]);
        for (const program of PROGRAMS) expect(managers.runnersOf(program)).toEqual(['b']);
      });
    });

    describe('when Redis fails a leader', () => {
      it('keeps its managers while the leases it last took outlast the next round, then stops them', async () => {
        let now = Date.parse('2026-05-01T10:00:00Z');
        const errors: unknown[] = [];
        const cutOff = new CutOff(leases);
        const a = leaders('a', {
          ttlMs: 300, // renewed every 100 ms
          leases: cutOff,
          clock: () => now,
          onError: (e) => errors.push(e),
        });
        await a.start();

        cutOff.cut = true;
        now += 100; // the leases run 200 ms more: past the next round
        await sleep(250); // two rounds or so, each failing
        expect(errors.length).toBeGreaterThan(0);
        expect(sorted(a.programs())).toEqual(PROGRAMS);
        for (const program of PROGRAMS) expect(managers.runnersOf(program)).toEqual(['a']);

        now += 100; // they would run out before the round after: a may no longer assume it leads
        await waitFor(() => a.programs().length === 0, 1_000);
        expect(a.programs()).toEqual([]);
        for (const program of PROGRAMS) expect(managers.runnersOf(program)).toEqual([]);
        await a.stop();
      });
    });

    describe('when Redis does not answer at all (the client queues commands while it reconnects)', () => {
      it('gives its programs up before their leases run out, and still stops', async () => {
        const silent: LeaseStore = {
          hold: () => new Promise<boolean>(() => undefined),
          release: () => new Promise<void>(() => undefined),
        };
        let answering = true;
        const a = leaders('a', {
          ttlMs: 300,
          leases: {
            hold: (...args) => (answering ? leases.hold(...args) : silent.hold(...args)),
            release: (...args) => (answering ? leases.release(...args) : silent.release(...args)),
          },
          onError: () => undefined,
        });
        await a.start();
        expect(sorted(a.programs())).toEqual(PROGRAMS);
        const cutAt = Date.now();
        answering = false;
        await waitFor(() => a.programs().length === 0, 2_000);
        expect(a.programs()).toEqual([]);
        expect(Date.now() - cutAt).toBeLessThan(300 + 600); // about the lease's life, not forever
        const stopping = Date.now();
        await a.stop();
        expect(Date.now() - stopping).toBeLessThan(1_000);
      });
    });
  });
});
