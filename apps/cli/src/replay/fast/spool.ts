import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Copies an input (standard input, the event store's COPY) to a temporary
 * file, so the replay can read it twice as it reads any history file.
 */
export async function spoolToFile(
  writeTo: (path: string) => Promise<void>,
): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'referrals-replay-'));
  const path = join(folder, 'history.ndjson');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await writeTo(path);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
