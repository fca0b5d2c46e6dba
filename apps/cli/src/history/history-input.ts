import { createReadStream, createWriteStream, fstatSync, Stats, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../usage-error';

/** Where a history's NDJSON comes from, as bytes. */
export interface HistoryInput {
  /** A file the replay can read twice; else `writeTo`, which copies the input to one first. */
  readonly path?: string;
  writeTo?(path: string): Promise<void>;
  /** Names the input in messages: a path, `standard input` or the store. */
  readonly label: string;
  /** Bytes to read, when known: a progress bar needs it. */
  readonly size?: number;
  /** Releases what the input opened (a database connection). */
  close(): Promise<void>;
}

/**
 * `--input FILE`, `--input -` (standard input), or without `--input` the
 * configured event store. A FILE may be a pipe (process substitution) or a
 * device. A file that is not there is an input problem (exit 2), found
 * before anything is read.
 */
export async function openHistoryInput(
  input: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HistoryInput> {
  if (input === '-') {
    // `< /tmp` gives a directory, which Node reads as an empty stream: no history, not none.
    if (fstatSync(0).isDirectory())
      throw new UsageError('--input -: standard input is a directory');
    return { writeTo: copyStream(process.stdin), label: 'standard input', close: done };
  }
  if (input === undefined) {
    const { openStoreInput } = await import('./store-input');
    return openStoreInput(env);
  }
  let stat: Stats;
  try {
    stat = statSync(input);
  } catch (error) {
    throw new UsageError(`--input ${input}: ${describeFsError(error)}`);
  }
  if (stat.isFIFO() || stat.isCharacterDevice() || stat.isSocket()) {
    // A stream by name (`--input <(zcat h.ndjson.gz)`, /dev/stdin): read once, so copied first.
    return { writeTo: copyStream(createReadStream(input)), label: input, close: done };
  }
  if (!stat.isFile()) throw new UsageError(`--input ${input}: not a file`);
  return { path: input, label: input, size: stat.size, close: done };
}

const done = () => Promise.resolve();

/** Writes a stream to a file, once. */
export const copyStream = (stream: Readable) => (path: string) =>
  pipeline(stream, createWriteStream(path));

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}
