import { formatInstant, Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../history/read-ordered';
import { scanHistory } from './fast/scan-history';
import { booksOf, runReplayJob } from './parallel/jobs';
import type { ReplayViews } from './views/replay-views';
import { SpilledViews } from './views/spilled-views';

/**
 * The replay on this thread alone, one book at a time: each program's events
 * (or, for a big program, each share of its referral groups), in time order,
 * through an engine of their own, whose state is let go before the next
 * book's (books are independent of each other), and whose views are written
 * out as soon as it is done. Only one book's engine and views are in memory
 * at once, however long the history, and the garbage collector walks a small
 * heap.
 */
export function replayByProgram(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
  perEngine: number,
): ReplayViews {
  const books = booksOf(scanHistory(file.path, programs, file.stats, file.progress), asOf, {
    perEngine,
  });
  file.checked();
  // What pass one kept is let go here: the books are all pass two reads.
  const spilled = new SpilledViews();
  try {
    for (const book of books) {
      if (book.offset.length === 0) continue;
      const { referrals, rewards } = runReplayJob({ path: file.path, asOf, ...book }, programs);
      spilled.add(referrals, rewards);
    }
    return spilled.views(formatInstant(asOf));
  } catch (error) {
    spilled.remove();
    throw error;
  }
}
