import { parentPort, workerData } from 'node:worker_threads';
import { ProgramRegistry } from '@referrals/domain';
import { runReplayJob, runScanJob } from './jobs';
import type { Job, ThreadMessage, ThreadSetup } from './messages';

/**
 * A replay thread: it runs the jobs the main thread sends, one at a time,
 * with the main thread's programs (see ReplayThreads).
 */
const port = parentPort!;
const programs = new ProgramRegistry((workerData as ThreadSetup).programs);
const send = (message: ThreadMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

port.on('message', (job: Job) => {
  try {
    if (job.kind === 'scan') {
      let reported = 0;
      const range = runScanJob(job, programs, (bytes) => {
        send({ kind: 'progress', bytes: bytes - reported });
        reported = bytes;
      });
      const arrays = [
        range.at,
        range.offset,
        range.length,
        range.program,
        range.hashHi,
        range.hashLo,
      ];
      send(
        { kind: 'scanned', range },
        arrays.map((a) => a.buffer as ArrayBuffer),
      );
    } else {
      send({ kind: 'replayed', result: runReplayJob(job, programs) });
    }
  } catch (error) {
    send({ kind: 'failed', message: (error as Error).message, stack: (error as Error).stack });
  }
});
