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

interface Waiting {
  readonly resolve: (result: ScannedRange | ReplayedProgram) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A few threads for one replay. Each runs its jobs one at a time, in the
 * order they are given to it; a thread that fails rejects its jobs; `close`
 * ends them all.
 *
 * A job is posted to its thread at once, not when the one before it is done:
 * the caller goes on to run its own share synchronously, and a job posted
 * from a callback would wait for that share to end (the thread's messages
 * queue up there and are answered in order instead).
 */
export class ReplayThreads {
  private readonly threads: Worker[];
  /** The jobs given to each thread and not yet answered, oldest first. */
  private readonly waiting: Waiting[][];

  constructor(
    count: number,
    programs: ProgramRegistry,
    private readonly onProgress: (bytes: number) => void = () => {},
  ) {
    const setup: ThreadSetup = { programs: programs.all() };
    this.waiting = Array.from({ length: count }, () => []);
    this.threads = Array.from({ length: count }, (_, index) => {
      const thread = new Worker(threadScript(), {
        workerData: setup,
        // A small young generation each: the events of a book die young, and
        // four threads with the default one would hold ~200 MB of it.
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
      });
      const waiting = this.waiting[index];
      const failAll = (error: Error) => waiting.splice(0).forEach((job) => job.reject(error));
      thread.on('message', (message: ThreadMessage) => this.answer(waiting, message));
      thread.on('error', failAll);
      thread.on('exit', (code) => failAll(new Error(`replay thread exited (${code})`)));
      return thread;
    });
  }

  get size(): number {
    return this.threads.length;
  }

  scan(thread: number, job: Omit<ScanJob, 'kind'>): Promise<ScannedRange> {
    return this.run(thread, { kind: 'scan', ...job }, []) as Promise<ScannedRange>;
  }

  replay(thread: number, job: Omit<ReplayJob, 'kind'>): Promise<ReplayedProgram> {
    const transfer = [job.offset.buffer, job.length.buffer] as ArrayBuffer[];
    return this.run(thread, { kind: 'replay', ...job }, transfer) as Promise<ReplayedProgram>;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  private run(
    index: number,
    job: Job,
    transfer: ArrayBuffer[],
  ): Promise<ScannedRange | ReplayedProgram> {
    return new Promise((resolve, reject) => {
      this.waiting[index].push({ resolve, reject });
      this.threads[index].postMessage(job, transfer);
    });
  }

  /** A thread's message: progress, or the answer to its oldest job. */
  private answer(waiting: Waiting[], message: ThreadMessage): void {
    if (message.kind === 'progress') return this.onProgress(message.bytes);
    const job = waiting.shift();
    if (!job) return;
    if (message.kind === 'scanned') job.resolve(message.range);
    else if (message.kind === 'replayed') job.resolve(message.result);
    else job.reject(Object.assign(new Error(message.message), { stack: message.stack }));
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
