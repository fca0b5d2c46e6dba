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
 * A few threads for one replay. Each runs its jobs one at a time, in the
 * order they are given to it; a thread that fails rejects its job; `close`
 * ends them all.
 */
export class ReplayThreads {
  private readonly threads: Worker[];
  /** The job each thread runs last: the next one for it starts after it. */
  private readonly tails: Promise<unknown>[];

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
    this.tails = this.threads.map(() => Promise.resolve());
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

  /** Runs the job on `thread` once the jobs given to it before are done. */
  private run(
    index: number,
    job: Job,
    transfer: ArrayBuffer[],
  ): Promise<ScannedRange | ReplayedProgram> {
    const thread = this.threads[index];
    const result = this.tails[index].then(
      () =>
        new Promise<ScannedRange | ReplayedProgram>((resolve, reject) => {
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
        }),
    );
    this.tails[index] = result.catch(() => undefined);
    return result;
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
