import { join } from 'node:path';
import { processFolder, removeProcessFolder } from '@referrals/temp-folders';

/**
 * Copies an input (standard input, the event store's COPY) to a temporary
 * file, so the replay can read it twice as it reads any history file. The
 * copy can be as big as the history: its folder is the process's own (see
 * processFolder), so a replay killed mid-way leaves it for the next to remove.
 */
export async function spoolToFile(
  writeTo: (path: string) => Promise<void>,
): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = processFolder('referrals-replay-');
  const path = join(folder, 'history.ndjson');
  const remove = async () => removeProcessFolder(folder);
  try {
    await writeTo(path);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
