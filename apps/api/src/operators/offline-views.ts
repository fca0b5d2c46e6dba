import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const FOLDER_PREFIX = 'referrals-queue-board-';

/**
 * The queue board's page without its web-font link: an operator's browser
 * loads nothing from outside (the system font stands in). The page is a
 * template in the installed package, so it is written to a folder of this
 * process's own under `root`, removed when the process exits. A process that
 * was killed never runs its exit handlers: the next one to start removes the
 * folders of processes that are gone, so they do not pile up.
 */
export function offlineViews(root = tmpdir(), pid = process.pid): string {
  // @bull-board/ui comes with @bull-board/fastify: resolve it from there.
  const ui = require.resolve('@bull-board/ui/package.json', {
    paths: [dirname(require.resolve('@bull-board/fastify'))],
  });
  const source = join(dirname(ui), 'dist', 'index.ejs');
  const page = readFileSync(source, 'utf8').replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '');
  removeFoldersOfEndedProcesses(root, pid);
  const folder = join(root, `${FOLDER_PREFIX}${pid}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'index.ejs'), page);
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function removeFoldersOfEndedProcesses(root: string, pid: number): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const owner = Number(name.slice(FOLDER_PREFIX.length));
    if (!Number.isSafeInteger(owner) || owner <= 0 || owner === pid || isRunning(owner)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // Another user's (a shared temporary folder), or being removed by another process.
    }
  }
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
