import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processFolder } from '@referrals/temp-folders';

/**
 * The queue board's page without its web-font link: an operator's browser
 * loads nothing from outside (the system font stands in). The page is a
 * template in the installed package, so it is written to a temporary folder
 * of this process's own (see processFolder: removed when the process exits,
 * or, after a kill, by the next process to start).
 */
export function offlineViews(root?: string): string {
  // @bull-board/ui comes with @bull-board/fastify: resolve it from there.
  const ui = require.resolve('@bull-board/ui/package.json', {
    paths: [dirname(require.resolve('@bull-board/fastify'))],
  });
  const source = join(dirname(ui), 'dist', 'index.ejs');
  const page = readFileSync(source, 'utf8').replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '');
  const folder = processFolder('referrals-queue-board-', root);
  writeFileSync(join(folder, 'index.ejs'), page);
  return folder;
}
