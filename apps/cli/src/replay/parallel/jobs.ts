import { Instant, ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { wholeNumberFromEnv } from '../../options/whole-number-env';
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

/** A book and the program it is of: one program's events, or one share of its referral groups. */
export interface ProgramShare extends Book {
  readonly program: number;
}

/**
 * About how many events one engine is given at most, where a program's
 * referral groups can be shared out: an engine holds what its events tell of
 * their accounts and referrals (~250 bytes an event), so this bounds the
 * engine's memory whatever the size of the history (shares are cut by group,
 * so their sizes vary a little, and one group bigger than the bound stays
 * whole). `REPLAY_EVENTS_PER_ENGINE` sets another bound.
 */
export const EVENTS_PER_ENGINE = 1 << 17;

export const eventsPerEngine = (env: NodeJS.ProcessEnv = process.env): number =>
  wholeNumberFromEnv(env, 'REPLAY_EVENTS_PER_ENGINE', EVENTS_PER_ENGINE);

/**
 * The books of a replay. Each program's book is independent of the others',
 * and within a program each referral group's (see referralGroups): a
 * program with more than `perEngine` events taking part is cut into shares of
 * its groups, about equal, each an engine's. With `everyAccount`, a book a
 * program, every account's facts (which decides the same).
 */
export function booksOf(
  scanned: ScannedHistory,
  asOf: Instant,
  { everyAccount = false, perEngine = EVENTS_PER_ENGINE } = {},
): ProgramShare[] {
  if (everyAccount) {
    return scanned.programIds.map((_, program) => ({
      program,
      ...bookOf(scanned, asOf, { program }),
    }));
  }
  const sizes = takingPartEvents(scanned, asOf);
  return scanned.programIds.flatMap((_, program) => {
    const shares = Math.max(1, Math.ceil(sizes[program] / perEngine));
    return Array.from({ length: shares }, (_, share) => ({
      program,
      ...bookOf(scanned, asOf, { program, takingPartOnly: true, share, shares }),
    }));
  });
}

/** Each program's events up to `asOf` of accounts taking part in a referral. */
function takingPartEvents(scanned: ScannedHistory, asOf: Instant): number[] {
  const sizes = scanned.programIds.map(() => 0);
  for (let i = 0; i < scanned.count; i++) {
    if (scanned.at[i] <= asOf && scanned.groups.has(scanned.account[i]))
      sizes[scanned.program[i]]++;
  }
  return sizes;
}
