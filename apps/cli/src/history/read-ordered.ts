import type { Readable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import type { BillingEvent } from '@referrals/contracts';
import type { Instant, ProgramRegistry } from '@referrals/domain';
import type { Terminal } from '../output/terminal';
import { readHistory, ReadStats } from '../replay/read-history';
import { orderedEvents } from '../replay/replay';
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
 * and closes it. Says on stderr when nothing was read, and draws a progress
 * bar for long reads on a terminal.
 */
export async function readOrdered<T>(
  options: { input?: string; asOf: Instant; programs: ProgramRegistry; terminal: Terminal },
  consume: (events: AsyncIterable<BillingEvent>) => Promise<T> | T,
): Promise<HistoryRead<T>> {
  const input = await openHistoryInput(options.input);
  const progress = options.terminal.progress ? showProgress(input.stream, input.size) : undefined;
  const stats: ReadStats = { lines: 0, accepted: 0, duplicates: 0 };
  try {
    const entries = readHistory(input.stream, options.programs, stats);
    const value = await consume(orderedEvents(entries, options.asOf));
    progress?.stop();
    const events = stats.accepted + stats.duplicates;
    if (events === 0) process.stderr.write(`warning: no events read from ${input.label}\n`);
    return { value, events, duplicates: stats.duplicates };
  } finally {
    progress?.stop();
    await input.close();
  }
}

/** `N events read, M duplicates, ...`: the one-line summary a command leaves on stderr. */
export const summaryLine = (read: HistoryRead<unknown>, ...more: string[]) =>
  [`${read.events} events read`, `${read.duplicates} duplicates`, ...more].join(', ');

/** A progress bar on stderr for inputs large enough to wait for. */
function showProgress(stream: Readable, size: number | undefined): { stop(): void } | undefined {
  if (size === undefined || size < 20 * 1024 * 1024) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'reading {bar} {percentage}% | {value}/{total} MB',
  });
  bar.start(Math.ceil(size / 2 ** 20), 0);
  const timer = setInterval(() => {
    bar.update(Math.floor((stream as unknown as { bytesRead: number }).bytesRead / 2 ** 20));
  }, 200);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      bar.stop();
    },
  };
}
