import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new temporary folder that belongs to this process: `<root>/<prefix><pid>-XXXXXX`.
 *
 * Processes here are crash-only: one killed (SIGKILL, Ctrl-C in the middle of
 * synchronous work, the machine's OOM killer) runs neither its `finally`
 * blocks nor its exit handlers, and whatever it wrote to the temporary
 * folder (a copy of a history read from standard input can be gigabytes)
 * would stay there for good. So every call first removes the folders of the
 * same prefix whose process has ended, and the folder is removed when this
 * process exits; the caller still removes it as soon as it is done with it.
 */
export function processFolder(prefix: string, root = tmpdir()): string {
  removeFoldersOfEndedProcesses(prefix, root);
  const folder = mkdtempSync(join(root, `${prefix}${process.pid}-`));
  if (owned.size === 0) process.once('exit', removeOwnedFolders);
  owned.add(folder);
  return folder;
}

/** A folder from processFolder, removed now: the caller is done with it. */
export function removeProcessFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  owned.delete(folder);
  if (owned.size === 0) process.off('exit', removeOwnedFolders);
}

/** This process's folders not yet removed; one exit handler for all of them. */
const owned = new Set<string>();

function removeOwnedFolders(): void {
  for (const folder of owned) rmSync(folder, { recursive: true, force: true });
}

/** The folders `<prefix><pid>-…` under `root` whose process is no longer running, removed. */
export function removeFoldersOfEndedProcesses(prefix: string, root = tmpdir()): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(prefix)) continue;
    const owner = ownerOf(name.slice(prefix.length));
    if (owner === undefined || owner === process.pid || isRunning(owner)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // Another user's (a shared temporary folder), or removed by another process meanwhile.
    }
  }
}

/** The pid a folder's name starts with (`1234-AbC123`, or `1234` alone); undefined for another form. */
function ownerOf(rest: string): number | undefined {
  const match = /^(\d{1,10})(?:-|$)/.exec(rest);
  const pid = match ? Number(match[1]) : 0;
  return pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: running, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
