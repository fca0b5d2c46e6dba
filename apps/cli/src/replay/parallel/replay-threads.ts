import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProgramRegistry } from '@referrals/domain';
import type { ScannedRange } from '../fast/scan-range';
import type {
  Job,
  ReplayedProgram,
  ReplayJob,
  ScanJob,
  ThreadMessage,
  ThreadSetup,
} from './messages';

/**
 * A few threads for one replay, each running one job at a time. A thread that
 * fails rejects its job; `close` ends them all.
 */
export class ReplayThreads {
  private readonly threads: Worker[];
  private readonly idle: Worker[];
  private readonly waiting: (() => void)[] = [];

  constructor(
    count: number,
    programs: ProgramRegistry,
    private readonly onProgress: (bytes: number) => void = () => {},
  ) {
    const setup: ThreadSetup = { programs: programs.all() };
    this.threads = Array.from(
      { length: count },
      () =>
        new Worker(threadScript(), {
          workerData: setup,
          // A small young generation each: the events of a book die young, and
          // four threads with the default one would hold ~200 MB of it.
          resourceLimits: { maxYoungGenerationSizeMb: 8 },
        }),
    );
    this.idle = [...this.threads];
  }

  scan(job: Omit<ScanJob, 'kind'>): Promise<ScannedRange> {
    return this.run({ kind: 'scan', ...job }, []) as Promise<ScannedRange>;
  }

  replay(job: Omit<ReplayJob, 'kind'>): Promise<ReplayedProgram> {
    const transfer = [job.offset.buffer, job.length.buffer] as ArrayBuffer[];
    return this.run({ kind: 'replay', ...job }, transfer) as Promise<ReplayedProgram>;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  /** Runs the job on the next idle thread (waiting for one if none is). */
  private async run(job: Job, transfer: ArrayBuffer[]): Promise<ScannedRange | ReplayedProgram> {
    while (this.idle.length === 0) await new Promise<void>((wake) => this.waiting.push(wake));
    const thread = this.idle.pop()!;
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (message: ThreadMessage) => {
          if (message.kind === 'progress') return this.onProgress(message.bytes);
          stop();
          if (message.kind === 'scanned') resolve(message.range);
          else if (message.kind === 'replayed') resolve(message.result);
          else reject(Object.assign(new Error(message.message), { stack: message.stack }));
        };
        const onError = (error: Error) => {
          stop();
          reject(error);
        };
        const onExit = (code: number) => onError(new Error(`replay thread exited (${code})`));
        const stop = () => {
          thread.off('message', onMessage).off('error', onError).off('exit', onExit);
        };
        thread.on('message', onMessage).on('error', onError).on('exit', onExit);
        thread.postMessage(job, transfer);
      });
    } finally {
      this.idle.push(thread);
      this.waiting.shift()?.();
    }
  }
}

/**
 * The thread's compiled script. Tests run this file from its TypeScript source;
 * the thread always runs the build (`npm test` builds first).
 */
function threadScript(): string {
  const here = join(__dirname, 'replay-thread.js');
  if (existsSync(here)) return here;
  return join(__dirname.replace(/([\\/])src([\\/])/, '$1dist$2'), 'replay-thread.js');
}
