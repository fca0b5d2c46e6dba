import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Copies a stream (standard input, the event store's COPY) to a temporary
 * file, so the replay can read it twice as it reads any history file.
 */
export async function spoolToFile(
  stream: Readable,
): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'referrals-replay-'));
  const path = join(folder, 'history.ndjson');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(path));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
