import type { Program, ReferralView, RewardView } from '@referrals/domain';
import type { ScannedRange } from '../fast/scan-range';
import type { Book } from '../fast/time-ordered-file';

/** What a replay thread is started with: the programs, as the main thread loaded them. */
export interface ThreadSetup {
  readonly programs: readonly Program[];
}

/** Pass one over the lines starting in `[start, end)` of the file. */
export interface ScanJob {
  readonly kind: 'scan';
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** Pass two for one program: its lines, already in time order, through an engine. */
export interface ReplayJob extends Book {
  readonly kind: 'replay';
  readonly path: string;
  readonly asOf: number;
}

export type Job = ScanJob | ReplayJob;

export interface ReplayedProgram {
  readonly referrals: ReferralView[];
  readonly rewards: RewardView[];
}

export type ThreadMessage =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'scanned'; readonly range: ScannedRange }
  | { readonly kind: 'replayed'; readonly result: ReplayedProgram }
  | { readonly kind: 'failed'; readonly message: string; readonly stack?: string };
