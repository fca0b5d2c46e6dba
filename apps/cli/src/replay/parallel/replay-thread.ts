import { parentPort, workerData } from 'node:worker_threads';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { scanRange } from '../fast/scan-range';
import { eventsAt } from '../fast/time-ordered-file';
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
      const range = scanRange(job.path, job.start, job.end, programs, (bytes) => {
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
      const engine = new ReferralEngine(programs);
      const order = Uint32Array.from({ length: job.offset.length }, (_, i) => i);
      // 4 MiB of the file cached per thread: a book's lines are mostly in file order.
      for (const event of eventsAt(job.path, job.offset, job.length, order, 256))
        engine.apply(event);
      engine.advanceTo(job.asOf);
      send({
        kind: 'replayed',
        result: { referrals: engine.referralViews(), rewards: engine.rewardViews() },
      });
    }
  } catch (error) {
    send({ kind: 'failed', message: (error as Error).message, stack: (error as Error).stack });
  }
});
