import { statSync } from 'node:fs';
import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../../history/read-ordered';
import { mergeRanges } from '../fast/merge-ranges';
import { lineAlignedCuts } from '../fast/scan-range';
import { timeOrder } from '../fast/time-ordered-file';
import { ReplayResult, sortedResult } from '../replay';
import { ReplayThreads } from './replay-threads';

/**
 * The replay on `threads` threads. Pass one: each thread checks a slice of
 * the file; this thread then joins the slices in file order (duplicates, code
 * conflicts, the first bad line). Pass two: each program's book is
 * independent of the others, so each program's events, in time order, go
 * through an engine of their own on a thread, and the referrals and rewards
 * come back to be sorted as the one-thread replay sorts them.
 */
export async function replayInParallel(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
  threads: number,
): Promise<ReplayResult> {
  const pool = new ReplayThreads(threads, programs, scannedBytes(file));
  try {
    const scanned = await scanInSlices(pool, file, programs, threads);
    file.checked();
    const books = scanned.programIds.map((_, program) => {
      const order = timeOrder(scanned, asOf, program);
      const offset = new Float64Array(order.length);
      const length = new Int32Array(order.length);
      for (let i = 0; i < order.length; i++) {
        offset[i] = scanned.offset[order[i]];
        length[i] = scanned.length[order[i]];
      }
      return { offset, length };
    });
    // The biggest books first, so the last to finish is a small one.
    books.sort((a, b) => b.offset.length - a.offset.length);
    const replayed = await Promise.all(
      books
        .filter((book) => book.offset.length > 0)
        .map((book) => pool.replay({ path: file.path, asOf, ...book })),
    );
    return sortedResult(
      replayed.flatMap((r) => r.referrals),
      replayed.flatMap((r) => r.rewards),
      asOf,
    );
  } finally {
    await pool.close();
  }
}

/** Pass one, a slice of the file per thread; the slices are let go once joined. */
async function scanInSlices(
  pool: ReplayThreads,
  file: HistoryFile,
  programs: ProgramRegistry,
  threads: number,
) {
  const cuts = lineAlignedCuts(file.path, statSync(file.path).size, threads);
  const ranges = await Promise.all(
    cuts.slice(1).map((end, i) => pool.scan({ path: file.path, start: cuts[i], end })),
  );
  return mergeRanges(file.path, ranges, programs.programIds(), file.stats);
}

/** Sums the threads' progress reports into bytes checked. */
function scannedBytes(file: HistoryFile) {
  let total = 0;
  return (bytes: number) => file.progress((total += bytes));
}
