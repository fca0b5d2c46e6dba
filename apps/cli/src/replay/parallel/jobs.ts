import { Instant, ProgramRegistry, ReferralEngine } from '@referrals/domain';
import type { ScannedHistory } from '../fast/merge-ranges';
import { scanRange, ScannedRange } from '../fast/scan-range';
import { eventsAt, timeOrder } from '../fast/time-ordered-file';
import type { ReplayedProgram, ReplayJob, ScanJob } from './messages';

/** Pass one over a slice of the file (see scanRange); on a replay thread or this one. */
export const runScanJob = (
  job: Omit<ScanJob, 'kind'>,
  programs: ProgramRegistry,
  onProgress?: (bytes: number) => void,
): ScannedRange => scanRange(job.path, job.start, job.end, programs, onProgress);

/** Pass two for one program's book: its lines, already in time order, through an engine. */
export function runReplayJob(
  job: Omit<ReplayJob, 'kind'>,
  programs: ProgramRegistry,
): ReplayedProgram {
  const engine = new ReferralEngine(programs);
  const order = new Uint32Array(job.offset.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // 4 MiB of the file cached: a book's lines are mostly in file order.
  for (const event of eventsAt(job.path, job.offset, job.length, order, 256)) engine.apply(event);
  engine.advanceTo(job.asOf);
  return { referrals: engine.referralViews(), rewards: engine.rewardViews() };
}

/** One program's lines up to `asOf`, in time order: where each starts and its length. */
export interface Book {
  readonly offset: Float64Array;
  readonly length: Int32Array;
}

/** Each program's book (a program's book is independent of the others). */
export function booksOf(scanned: ScannedHistory, asOf: Instant): Book[] {
  return scanned.programIds.map((_, program) => {
    const order = timeOrder(scanned, asOf, program);
    const offset = new Float64Array(order.length);
    const length = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      offset[i] = scanned.offset[order[i]];
      length[i] = scanned.length[order[i]];
    }
    return { offset, length };
  });
}
