import { SingleBar } from 'cli-progress';
import type { BillingEvent } from '@referrals/contracts';
import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { Terminal } from '../output/terminal';
import type { ReadStats } from '../replay/read-history';
import { scanHistory } from '../replay/fast/scan-history';
import { spoolToFile } from '../replay/fast/spool';
import { timeOrderedEvents } from '../replay/fast/time-ordered-file';
import { openHistoryInput } from './history-input';

export interface HistoryRead<T> {
  readonly value: T;
  /** Events read (duplicates included) and duplicates dropped. */
  readonly events: number;
  readonly duplicates: number;
}

/** A history as a file the replay may read twice, and where to report how far pass one got. */
export interface HistoryFile {
  readonly path: string;
  readonly stats: ReadStats;
  /** Bytes checked so far (a progress bar on a terminal, else nothing). */
  readonly progress: (bytesRead: number) => void;
  /** Pass one is over: the progress bar goes. */
  readonly checked: () => void;
}

/**
 * Opens the history a command names (a file, standard input or the event
 * store), hands its events up to `asOf` in `occurredAt` order to `consume`,
 * and closes it. The replay checks every line in arrival order, then reads
 * the lines again in time order.
 */
export async function readOrdered<T>(
  options: { input?: string; asOf: Instant; programs: ProgramRegistry; terminal: Terminal },
  consume: (events: Iterable<BillingEvent>) => Promise<T> | T,
): Promise<HistoryRead<T>> {
  return readHistoryFile(options, (file) => {
    const scanned = scanHistory(file.path, options.programs, file.stats, file.progress);
    file.checked();
    return consume(timeOrderedEvents(file.path, scanned, options.asOf));
  });
}

/**
 * The history as a file, for a reader that makes both passes itself (the
 * replay on several threads). A stream (standard input, the store) is first
 * copied to a temporary file. Says on stderr when nothing was read, and draws
 * a progress bar for long reads on a terminal.
 */
export async function readHistoryFile<T>(
  options: { input?: string; terminal: Terminal },
  use: (file: HistoryFile) => Promise<T> | T,
): Promise<HistoryRead<T>> {
  const input = await openHistoryInput(options.input);
  let spooled: Awaited<ReturnType<typeof spoolToFile>> | undefined;
  try {
    if (input.path === undefined) spooled = await spoolToFile(input.writeTo!.bind(input));
    const path = input.path ?? spooled!.path;
    const bar = options.terminal.progress ? progressBar(input.size) : undefined;
    const stats: ReadStats = { lines: 0, accepted: 0, duplicates: 0 };
    let value: T;
    try {
      value = await use({
        path,
        stats,
        progress: bar?.update ?? (() => {}),
        checked: () => bar?.stop(),
      });
    } finally {
      bar?.stop();
    }
    const events = stats.accepted + stats.duplicates;
    if (events === 0) process.stderr.write(`warning: no events read from ${input.label}\n`);
    return { value, events, duplicates: stats.duplicates };
  } finally {
    await spooled?.remove();
    await input.close();
  }
}

/** `N events read, M duplicates, ...`: the one-line summary a command leaves on stderr. */
export const summaryLine = (read: HistoryRead<unknown>, ...more: string[]) =>
  [`${read.events} events read`, `${read.duplicates} duplicates`, ...more].join(', ');

/** A progress bar on stderr for inputs large enough to wait for; stopping it twice is harmless. */
function progressBar(size: number | undefined) {
  if (size === undefined || size < 20 * 1024 * 1024) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'checking {bar} {percentage}% | {value}/{total} MB',
  });
  bar.start(Math.ceil(size / 2 ** 20), 0);
  let stopped = false;
  return {
    update: (bytes: number) => bar.update(Math.floor(bytes / 2 ** 20)),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
