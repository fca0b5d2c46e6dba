import { statSync } from 'node:fs';
import { formatInstant, Instant, ProgramRegistry } from '@referrals/domain';
import type { HistoryFile } from '../../history/read-ordered';
import { mergeRanges } from '../fast/merge-ranges';
import { lineAlignedCuts } from '../fast/scan-range';
import { Book, booksOf, runReplayJob, runScanJob } from './jobs';
import type { ReplayViews } from '../views/replay-views';
import { SpilledViews } from '../views/spilled-views';
import { ReplayThreads } from './replay-threads';

/**
 * The replay on `threads` threads, this one among them. Pass one: each thread
 * checks a slice of the file; this thread then joins the slices in file order
 * (duplicates, code conflicts, the first bad line). Pass two: each program's
 * book is independent of the others, so each program's events, in time order,
 * go through an engine of their own, the books shared out among the threads
 * by size; each book's views are written out as it comes back (see
 * SpilledViews), as the one-thread replay writes them.
 */
export async function replayInParallel(
  file: HistoryFile,
  programs: ProgramRegistry,
  asOf: Instant,
  threads: number,
  perEngine: number,
): Promise<ReplayViews> {
  const progress = scannedBytes(file);
  // The folder before the threads: one that cannot be made then fails before
  // any thread is open to keep the process alive after the error.
  const spilled = new SpilledViews();
  const pool = new ReplayThreads(threads - 1, programs, progress);
  try {
    const books = booksOf(await scanInSlices(pool, file, programs, progress), asOf, { perEngine });
    file.checked();
    await replayBooks(pool, file.path, programs, books, asOf, spilled);
    return spilled.views(formatInstant(asOf));
  } catch (error) {
    spilled.remove();
    throw error;
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
 * Each book's views are added to `spilled` as they come.
 */
async function replayBooks(
  pool: ReplayThreads,
  path: string,
  programs: ProgramRegistry,
  books: Book[],
  asOf: Instant,
  spilled: SpilledViews,
): Promise<void> {
  const shares: Book[][] = Array.from({ length: pool.size + 1 }, () => []);
  const load = shares.map(() => 0);
  for (const book of [...books].sort((a, b) => b.offset.length - a.offset.length)) {
    if (book.offset.length === 0) continue;
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest].push(book);
    load[lightest] += book.offset.length;
  }
  const onThreads = shares.slice(0, -1).flatMap((share, thread) =>
    share.map(async (book) => {
      const { referrals, rewards } = await pool.replay(thread, { path, asOf, ...book });
      spilled.add(referrals, rewards);
    }),
  );
  onThreads.forEach((replay) => replay.catch(() => undefined));
  for (const book of shares[shares.length - 1]) {
    const { referrals, rewards } = runReplayJob({ path, asOf, ...book }, programs);
    spilled.add(referrals, rewards);
  }
  await Promise.all(onThreads);
}

/** Sums the slices' progress reports (bytes more checked) into bytes checked. */
function scannedBytes(file: HistoryFile) {
  let total = 0;
  return (bytes: number) => file.progress((total += bytes));
}
