import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../history/read-ordered';
import { scanHistory } from './fast/scan-history';
import { booksOf, runReplayJob } from './parallel/jobs';
import { ReplayResult, sortedResult } from './replay';

/**
 * The replay on this thread alone, one program's book at a time: each
 * program's events, in time order, through an engine of their own, whose
 * state is let go before the next program's (a program's book is
 * independent of the others). Only one book is in memory at once, and the
 * garbage collector walks a third of the heap it would walk otherwise.
 */
export function replayByProgram(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
): ReplayResult {
  const books = booksOf(scanHistory(file.path, programs, file.stats, file.progress), asOf);
  file.checked();
  // What pass one kept is let go here: the books are all pass two reads.
  const replayed = books
    .filter((book) => book.offset.length > 0)
    .map((book) => runReplayJob({ path: file.path, asOf, ...book }, programs));
  return sortedResult(
    replayed.flatMap((r) => r.referrals),
    replayed.flatMap((r) => r.rewards),
    asOf,
  );
}
