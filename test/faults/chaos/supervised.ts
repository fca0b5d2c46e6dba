import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';

/**
 * A process kept running as systemd or Kubernetes would: started again
 * half a second after it ends. `kill()` is a planned SIGKILL; any other end
 * is counted as unplanned (a process that should have stayed up).
 */
export class Supervised {
  private child?: ChildProcess;
  private planned = false;
  private stopped = false;
  private readonly log: WriteStream;
  unplannedExits = 0;
  starts = 0;
  /** When the running process said it was up (its first line on stdout), if it has. */
  upSince?: number;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    logPath: string,
  ) {
    this.log = createWriteStream(logPath, { flags: 'a' });
  }

  start(): void {
    this.starts++;
    const child = spawn(process.execPath, [this.script], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.upSince = undefined;
    child.stdout?.once('data', () => (this.upSince = Date.now()));
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.upSince = undefined;
      this.log.write(`--- ${this.name} exited (${code ?? signal}); planned: ${this.planned}\n`);
      if (!this.planned) this.unplannedExits++;
      this.planned = false;
      if (!this.stopped) setTimeout(() => this.stopped || this.start(), 500);
    });
    this.child = child;
  }

  /** SIGKILL: no shutdown, no flush, as a crash or an OOM kill. It comes back by itself. */
  kill(): void {
    if (!this.child || this.child.exitCode !== null) return;
    this.planned = true;
    this.child.kill('SIGKILL');
  }

  /**
   * SIGSTOP, then SIGCONT `ms` later: a long GC pause, a frozen VM or a
   * throttled container. Its leases run out meanwhile and another process
   * takes its work over; it wakes not knowing, with what it held in memory.
   */
  async pause(ms: number): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return false;
    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, ms));
    // A kill meanwhile leaves nothing to wake (a stopped process still dies of SIGKILL).
    if (child.exitCode !== null || child.signalCode !== null) return false;
    child.kill('SIGCONT');
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.planned = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.log.end();
  }
}
