/**
 * Failpoints: named places between two commits (decisions appended → views
 * written, event stored → job enqueued) where a fault test can make the
 * process fail, to prove that nothing is lost or doubled when a process dies
 * there. Disarmed, a failpoint is one Map lookup.
 *
 * Armed in code (`failpoints.arm('pm.after-append', 'throw')`) or, for a
 * child process, through the environment:
 * `FAILPOINTS=pm.after-append=exit,payout.after-ledger=throw*2`
 * (`throw` fails the step once, `throw*N` N times, `exit` ends the process
 * at once with code 137, as a SIGKILL would, without flushing anything).
 */
export type FailpointAction = 'throw' | 'exit';

interface Armed {
  readonly action: FailpointAction;
  remaining: number;
}

/** What a failpoint throws: tests tell it from real faults by its class. */
export class FailpointError extends Error {
  constructor(readonly failpoint: string) {
    super(`failpoint ${failpoint}`);
  }
}

class Failpoints {
  private readonly armed = new Map<string, Armed>();
  private readonly hits = new Map<string, number>();

  constructor(spec = process.env.FAILPOINTS ?? '') {
    for (const part of spec.split(',').filter((p) => p.trim())) {
      const match = /^\s*([\w.:-]+)=(throw|exit)(?:\*(\d+))?\s*$/.exec(part);
      if (!match)
        throw new Error(
          `FAILPOINTS: "${part}" must look like name=throw, name=throw*3 or name=exit`,
        );
      this.arm(match[1], match[2] as FailpointAction, match[3] ? Number(match[3]) : 1);
    }
  }

  /** Makes the next `times` passes through `name` fail. */
  arm(name: string, action: FailpointAction = 'throw', times = 1): void {
    this.armed.set(name, { action, remaining: times });
  }

  disarm(name?: string): void {
    if (name === undefined) this.armed.clear();
    else this.armed.delete(name);
  }

  /** How often `name` has been passed since the last reset, armed or not. */
  passes(name: string): number {
    return this.hits.get(name) ?? 0;
  }

  reset(): void {
    this.armed.clear();
    this.hits.clear();
  }

  /** A place where a fault may be injected. */
  check(name: string): void {
    this.hits.set(name, (this.hits.get(name) ?? 0) + 1);
    const armed = this.armed.get(name);
    if (!armed) return;
    if (--armed.remaining <= 0) this.armed.delete(name);
    if (armed.action === 'exit') {
      process.stderr.write(`failpoint ${name}: exiting\n`);
      process.exit(137);
    }
    throw new FailpointError(name);
  }
}

/** The process's failpoints (armed from FAILPOINTS at load). */
export const failpoints = new Failpoints();

/** Marks a failpoint: throws or exits when armed, else does nothing. */
export const failpoint = (name: string): void => failpoints.check(name);
