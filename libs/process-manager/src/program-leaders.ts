import type { DueCheck } from './check-timers';
import type { LeaseStore } from './leases';
import type { ManagerStatusBoard } from './manager-status-board';
import type { ManagerStatus, ReferralProcessManager } from './referral-process-manager';

export interface ProgramLeadersOptions {
  readonly programs: readonly string[];
  readonly leases: LeaseStore;
  /** This worker's name in the leases. */
  readonly owner: string;
  /** How long a lease lasts without renewal: how soon another worker takes over a dead one's programs. */
  readonly ttlMs: number;
  readonly create: (program: string) => ReferralProcessManager;
  /** Called once a manager this worker now leads has started (e.g. to schedule its pending checks). */
  readonly onLeading?: (manager: ReferralProcessManager) => Promise<void>;
  readonly clock?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Where the state of the managers led here is posted every round, for readiness. */
  readonly board?: ManagerStatusBoard;
}

interface Led {
  readonly manager: ReferralProcessManager;
  readonly started: Promise<void>;
  heldUntil: number;
}

/**
 * Shares the programs among the worker processes: each program's process
 * manager runs where its lease is held. Every worker tries, every third of
 * the lease's life, to take the programs nobody holds and to keep its own;
 * one that can no longer keep a lease (another took it, or Redis has not
 * answered for a lease's life) stops that program's manager.
 */
export class ProgramLeaders {
  private readonly led = new Map<string, Led>();
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ProgramLeadersOptions) {}

  async start(): Promise<void> {
    await this.renew();
    if (this.stopped) return; // stopped while the first round ran
    this.timer = setInterval(() => void this.renew(), this.period);
  }

  /** The programs this worker decides for now. */
  programs(): string[] {
    return [...this.led.keys()];
  }

  /** The state of each manager this worker leads. */
  statuses(): ManagerStatus[] {
    return this.managers().map((m) => m.status());
  }

  managers(): ReferralProcessManager[] {
    return [...this.led.values()].map((l) => l.manager);
  }

  async settle(): Promise<void> {
    await Promise.all([...this.led.values()].map((l) => l.started.then(() => l.manager.settle())));
  }

  async wake(): Promise<void> {
    await Promise.all(this.managers().map((m) => m.wake()));
  }

  pendingChecks(): DueCheck[] {
    return this.managers().flatMap((m) => m.pendingChecks());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A round stuck on a Redis that does not answer must not hold up the shutdown.
    await within(this.round, this.options.ttlMs).catch(() => undefined);
    await Promise.all(this.programs().map((program) => this.resign(program)));
  }

  /** How often leases are taken and kept: a third of their life. */
  private get period(): number {
    // Whole milliseconds: the period names itself in "no answer within N ms".
    return Math.max(50, Math.round(this.options.ttlMs / 3));
  }

  /** One round of taking and keeping leases; rounds never overlap, and one that fails ends. */
  private renew(): Promise<void> {
    const { programs, onError } = this.options;
    this.round = this.round.then(async () => {
      if (this.stopped) return;
      await Promise.all(programs.map((program) => this.renewOne(program).catch(onError)));
      const { board, owner, ttlMs } = this.options;
      await within(
        board?.post(owner, this.statuses(), ttlMs) ?? Promise.resolve(),
        this.period,
      ).catch(onError);
    });
    return this.round;
  }

  private async renewOne(program: string): Promise<void> {
    const { leases, owner, ttlMs, onError } = this.options;
    const now = (this.options.clock ?? Date.now)();
    const current = this.led.get(program);
    let held: boolean;
    try {
      // A Redis that does not answer (the client queues commands while it reconnects) is
      // as unknown as one that fails: the call is timed out within the round.
      held = await within(leases.hold(leaseName(program), owner, ttlMs), this.period);
    } catch (error) {
      onError?.(error);
      // Unknown: keep deciding only while the last lease taken outlasts the next round.
      if (current && now + this.period >= current.heldUntil) await this.resign(program);
      return;
    }
    if (held && current) current.heldUntil = now + ttlMs;
    else if (held) this.lead(program, now + ttlMs);
    else if (current) await this.resign(program);
  }

  private lead(program: string, heldUntil: number): void {
    const manager = this.options.create(program);
    const started = manager
      .start()
      .then(() => this.options.onLeading?.(manager))
      .catch(async (error) => {
        // Give the program up; another worker, or this one's next round, tries again.
        this.options.onError?.(error);
        if (this.led.get(program)?.manager === manager) this.led.delete(program);
        await manager.stop().catch(() => undefined);
        await this.options.leases
          .release(leaseName(program), this.options.owner)
          .catch(() => undefined);
      });
    this.led.set(program, { manager, started, heldUntil });
  }

  private async resign(program: string): Promise<void> {
    const current = this.led.get(program);
    if (!current) return;
    this.led.delete(program);
    await current.started;
    await current.manager.stop().catch((e) => this.options.onError?.(e));
    await within(
      this.options.leases.release(leaseName(program), this.options.owner),
      this.period,
    ).catch((e) => this.options.onError?.(e));
  }
}

const leaseName = (program: string) => `process-manager:${program}`;

/** The promise's outcome, or a rejection once `ms` have passed without one. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
