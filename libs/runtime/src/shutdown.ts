/**
 * How long a process may take to stop after SIGTERM before it exits anyway.
 * Under `docker stop` (10 s, then SIGKILL) this leaves time to say what did
 * not close; a graceful stop takes well under it (in-flight jobs finish, the
 * webhook sender gives up on a receiver after 10 s, but a job cut short is
 * run again: see the README, Stopping).
 */
export const SHUTDOWN_DEADLINE_MS = 8_000;

/** One thing a process closes on its way out, named for the line said if it does not finish. */
export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

export interface ShutdownOptions {
  readonly deadlineMs?: number;
  readonly say: (line: string) => void;
}

/**
 * Runs the steps in order and resolves to the exit code: 0 once every step
 * finished, 1 when one failed (said, and the next still run) or when the
 * deadline passed first (said, naming the step still running and those not
 * run). A step that never ends (a client waiting for a server that does not
 * answer) so costs the process its clean exit code, never its exit.
 */
export async function shutDown(
  steps: readonly ShutdownStep[],
  { deadlineMs = SHUTDOWN_DEADLINE_MS, say }: ShutdownOptions,
): Promise<number> {
  let current = 0;
  let failed = false;
  const all = (async () => {
    for (; current < steps.length; current++) {
      const step = steps[current];
      try {
        await step.run();
      } catch (error) {
        failed = true;
        say(`stopping: ${step.name} failed: ${(error as Error).message ?? String(error)}`);
      }
    }
    return failed ? 1 : 0;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      const notRun = steps.slice(current + 1).map((s) => s.name);
      say(
        `stopping: ${steps[current]?.name ?? 'the last step'} did not finish within ${deadlineMs} ms` +
          (notRun.length > 0 ? `; not run: ${notRun.join(', ')}` : '') +
          '; exiting anyway',
      );
      resolve(1);
    }, deadlineMs);
  });
  try {
    return await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
