import { closeSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { BillingEvent } from '@referrals/contracts';
import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { Terminal } from '../output/terminal';
import type { ReadStats } from '../replay/read-history';
import { ScannedHistory, scanHistory } from '../replay/fast/scan-history';
import { spoolToFile } from '../replay/fast/spool';
import { timeOrderedEvents } from '../replay/fast/time-ordered-file';
import { openHistoryInput } from './history-input';

export interface HistoryRead<T> {
  readonly value: T;
  /** Events read (duplicates included) and duplicates dropped. */
  readonly events: number;
  readonly duplicates: number;
}

/**
 * Opens the history a command names (a file, standard input or the event
 * store), hands its events up to `asOf` in `occurredAt` order to `consume`,
 * and closes it. A stream is first copied to a temporary file: the replay
 * checks every line in arrival order, then reads the lines again in time
 * order. Says on stderr when nothing was read, and draws a progress bar for
 * long reads on a terminal.
 */
export async function readOrdered<T>(
  options: { input?: string; asOf: Instant; programs: ProgramRegistry; terminal: Terminal },
  consume: (events: Iterable<BillingEvent>) => Promise<T> | T,
): Promise<HistoryRead<T>> {
  return readScanned(options, (scanned) => consume(timeOrderedEvents(scanned, options.asOf)));
}

/**
 * The first pass alone: the history checked and indexed (see scanHistory),
 * for a reader that orders and reads the lines itself (the replay, on a
 * thread per program). `path` is the file to read them from.
 */
export async function readScanned<T>(
  options: { input?: string; programs: ProgramRegistry; terminal: Terminal },
  use: (scanned: ScannedHistory, path: string) => Promise<T> | T,
): Promise<HistoryRead<T>> {
  const input = await openHistoryInput(options.input);
  let spooled: Awaited<ReturnType<typeof spoolToFile>> | undefined;
  let scanned: ScannedHistory | undefined;
  try {
    if (input.path === undefined) spooled = await spoolToFile(input.writeTo!.bind(input));
    const path = input.path ?? spooled!.path;
    const progress = options.terminal.progress ? progressBar(input.size) : undefined;
    const stats: ReadStats = { lines: 0, accepted: 0, duplicates: 0 };
    try {
      scanned = scanHistory(path, options.programs, stats, progress?.update);
    } finally {
      progress?.stop();
    }
    const value = await use(scanned, path);
    const events = stats.accepted + stats.duplicates;
    if (events === 0) process.stderr.write(`warning: no events read from ${input.label}\n`);
    return { value, events, duplicates: stats.duplicates };
  } finally {
    if (scanned) closeSync(scanned.fd);
    await spooled?.remove();
    await input.close();
  }
}

/** `N events read, M duplicates, ...`: the one-line summary a command leaves on stderr. */
export const summaryLine = (read: HistoryRead<unknown>, ...more: string[]) =>
  [`${read.events} events read`, `${read.duplicates} duplicates`, ...more].join(', ');

/** A progress bar on stderr for inputs large enough to wait for. */
function progressBar(size: number | undefined) {
  if (size === undefined || size < 20 * 1024 * 1024) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'checking {bar} {percentage}% | {value}/{total} MB',
  });
  bar.start(Math.ceil(size / 2 ** 20), 0);
  return {
    update: (bytes: number) => bar.update(Math.floor(bytes / 2 ** 20)),
    stop: () => bar.stop(),
  };
}
