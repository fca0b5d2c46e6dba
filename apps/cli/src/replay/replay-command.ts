import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { loadPrograms } from '../program-files';
import { readHistory } from './read-history';
import { replay, ReplayResult } from './replay';

import { renderTables } from './render-table';

export interface ReplayOptions {
  input?: string;
  asOf?: string;
  json?: boolean;
  programFile?: string[];
}

/** `referrals replay`: prints the referrals and rewards a history yields as of a date. */
export async function replayCommand(options: ReplayOptions, now: () => Date): Promise<string> {
  const programs = loadPrograms(options.programFile);
  if (options.input === undefined) {
    throw new UsageError(
      '--input is required until an event store is configured (use --input - for standard input)',
    );
  }
  const asOf = options.asOf === undefined ? now().getTime() : Date.parse(options.asOf);
  if (
    Number.isNaN(asOf) ||
    (options.asOf !== undefined && !/[zZ]|[+-]\d\d:?\d\d$/.test(options.asOf))
  ) {
    throw new UsageError(
      `--as-of: must be an ISO-8601 date-time with an offset or Z, got ${options.asOf}`,
    );
  }
  if (options.input === undefined) {
    // Without --input, the history is the configured event store's.
    // Loaded on demand: a replay of a file never opens a database.
    const { createRuntime, loadConfig } = await import('@referrals/runtime');
    const { storeHistory } = await import('../store-history');
    const runtime = await createRuntime(loadConfig(), programs);
    try {
      return render(await replay(storeHistory(runtime.store), asOf, programs), options);
    } finally {
      await runtime.close();
    }
  }
  const input: Readable = options.input === '-' ? process.stdin : createReadStream(options.input);
  const progress = options.input !== '-' ? showProgress(options.input, input) : undefined;
  try {
    return render(await replay(readHistory(input, programs), asOf, programs), options);
  } finally {
    progress?.stop();
  }
}

const render = (result: ReplayResult, options: ReplayOptions) =>
  options.json ? JSON.stringify(result, null, 2) : renderTables(result);

export class UsageError extends Error {}

/** A progress bar on a terminal, for inputs large enough to wait for. */
function showProgress(path: string, stream: Readable): { stop(): void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const size = statSync(path).size;
  if (size < 20 * 1024 * 1024) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'reading {bar} {percentage}% | {value}/{total} MB',
  });
  bar.start(Math.ceil(size / 2 ** 20), 0);
  const timer = setInterval(() => {
    bar.update(Math.floor((stream as unknown as { bytesRead: number }).bytesRead / 2 ** 20));
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      bar.stop();
    },
  };
}
