import { formatInstant, Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../history/read-ordered';
import { scanHistory } from './fast/scan-history';
import { booksOf, runReplayJob } from './parallel/jobs';
import type { ReplayViews } from './views/replay-views';
import { SpilledViews } from './views/spilled-views';

/**
 * The replay on this thread alone, one program's book at a time: each
 * program's events, in time order, through an engine of their own, whose
 * state is let go before the next program's (a program's book is
 * independent of the others), and whose views are written out as soon as
 * it is done. Only one book and one program's views are in memory at once,
 * and the garbage collector walks a third of the heap it would walk otherwise.
 */
export function replayByProgram(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
): ReplayViews {
  const books = booksOf(scanHistory(file.path, programs, file.stats, file.progress), asOf);
  file.checked();
  // What pass one kept is let go here: the books are all pass two reads.
  const spilled = new SpilledViews();
  try {
    const programIds = programs.programIds();
    books.forEach((book, program) => {
      if (book.offset.length === 0) return;
      const { referrals, rewards } = runReplayJob({ path: file.path, asOf, ...book }, programs);
      spilled.add(programIds[program], referrals, rewards);
    });
    return spilled.views(formatInstant(asOf));
  } catch (error) {
    spilled.remove();
    throw error;
  }
}
