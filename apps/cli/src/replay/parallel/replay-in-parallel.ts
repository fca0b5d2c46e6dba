import { statSync } from 'node:fs';
import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../../history/read-ordered';
import { mergeRanges } from '../fast/merge-ranges';
import { lineAlignedCuts } from '../fast/scan-range';
import { ReplayResult, sortedResult } from '../replay';
import { Book, booksOf, runReplayJob, runScanJob } from './jobs';
import type { ReplayedProgram } from './messages';
import { ReplayThreads } from './replay-threads';

/**
 * The replay on `threads` threads, this one among them. Pass one: each thread
 * checks a slice of the file; this thread then joins the slices in file order
 * (duplicates, code conflicts, the first bad line). Pass two: each program's
 * book is independent of the others, so each program's events, in time order,
 * go through an engine of their own, the books shared out among the threads
 * by size; the referrals and rewards come back to be sorted as the one-thread
 * replay sorts them.
 */
export async function replayInParallel(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
  threads: number,
  perEngine: number,
): Promise<ReplayResult> {
  const progress = scannedBytes(file);
  const pool = new ReplayThreads(threads - 1, programs, progress);
  try {
    const books = booksOf(await scanInSlices(pool, file, programs, progress), asOf, { perEngine });
    file.checked();
    const replayed = await replayBooks(pool, file.path, programs, books, asOf);
    return sortedResult(
      replayed.flatMap((r) => r.referrals),
      replayed.flatMap((r) => r.rewards),
      asOf,
    );
  } finally {
    await pool.close();
  }
}

/** Pass one, a slice of the file per thread, the last one here; the slices are let go once joined. */
async function scanInSlices(
  pool: ReplayThreads,
  file: HistoryFile,
  programs: ProgramRegistry,
  progress: (bytes: number) => void,
) {
  const cuts = lineAlignedCuts(file.path, statSync(file.path).size, pool.size + 1);
  const slices = cuts.slice(1).map((end, i) => ({ path: file.path, start: cuts[i], end }));
  const onThreads = slices.slice(0, -1).map((slice, thread) => pool.scan(thread, slice));
  // A failed thread must not go unhandled while this one scans.
  onThreads.forEach((scan) => scan.catch(() => undefined));
  let reported = 0;
  const here = runScanJob(slices[slices.length - 1], programs, (bytes) => {
    progress(bytes - reported);
    reported = bytes;
  });
  const ranges = [...(await Promise.all(onThreads)), here];
  return mergeRanges(file.path, ranges, programs.programIds(), file.stats);
}

/**
 * Pass two: the books shared out among the threads, biggest first, each to
 * the thread with the fewest events so far; this thread takes the last share.
 */
async function replayBooks(
  pool: ReplayThreads,
  path: string,
  programs: ProgramRegistry,
  books: Book[],
  asOf: Instant,
): Promise<ReplayedProgram[]> {
  const shares: Book[][] = Array.from({ length: pool.size + 1 }, () => []);
  const load = shares.map(() => 0);
  for (const book of [...books].sort((a, b) => b.offset.length - a.offset.length)) {
    if (book.offset.length === 0) continue;
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest].push(book);
    load[lightest] += book.offset.length;
  }
  const onThreads = shares
    .slice(0, -1)
    .flatMap((share, thread) => share.map((book) => pool.replay(thread, { path, asOf, ...book })));
  onThreads.forEach((replay) => replay.catch(() => undefined));
  const here = shares[shares.length - 1].map((book) =>
    runReplayJob({ path, asOf, ...book }, programs),
  );
  return [...(await Promise.all(onThreads)), ...here];
}

/** Sums the slices' progress reports (bytes more checked) into bytes checked. */
function scannedBytes(file: HistoryFile) {
  let total = 0;
  return (bytes: number) => file.progress((total += bytes));
}
