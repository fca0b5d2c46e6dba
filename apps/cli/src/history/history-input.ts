import { createWriteStream, statSync } from 'node:fs';
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
 * configured event store. A file that is not there is an input problem
 * (exit 2), found before anything is read.
 */
export async function openHistoryInput(
  input: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HistoryInput> {
  if (input === '-') {
    return { writeTo: copyStream(process.stdin), label: 'standard input', close: done };
  }
  if (input === undefined) {
    const { openStoreInput } = await import('./store-input');
    return openStoreInput(env);
  }
  let size: number;
  try {
    const stat = statSync(input);
    if (!stat.isFile()) throw new UsageError(`--input ${input}: not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--input ${input}: ${describeFsError(error)}`);
  }
  return { path: input, label: input, size, close: done };
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
