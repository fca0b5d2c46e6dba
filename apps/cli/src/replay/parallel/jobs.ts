import { Instant, ProgramRegistry, ReferralEngine } from '@referrals/domain';
import type { ScannedHistory } from '../fast/merge-ranges';
import { scanRange, ScannedRange } from '../fast/scan-range';
import { Book, bookOf, eventsOf } from '../fast/time-ordered-file';
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
  // 4 MiB of the file cached: a book's lines are mostly in file order.
  for (const event of eventsOf(job.path, job, 256)) engine.apply(event);
  engine.advanceTo(job.asOf);
  return { referrals: engine.referralViews(), rewards: engine.rewardViews() };
}

export type { Book } from '../fast/time-ordered-file';

/**
 * Each program's book (a program's book is independent of the others), of the
 * accounts taking part in a referral unless `everyAccount` (which decides the same).
 */
export const booksOf = (scanned: ScannedHistory, asOf: Instant, everyAccount = false): Book[] =>
  scanned.programIds.map((_, program) => bookOf(scanned, asOf, program, !everyAccount));
