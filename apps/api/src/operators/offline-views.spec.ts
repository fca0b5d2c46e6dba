import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineViews } from './offline-views';

/**
 * The queue board's page in a folder of the process's own: removed when the
 * process exits, and, for a process that was killed, by the next one to start.
 */
describe('the queue board offline page', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'offline-views-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the page without its web-font link, in a folder named after the process', () => {
    const folder = offlineViews(root);
    expect(folder).toBe(join(root, `referrals-queue-board-${process.pid}`));
    const page = readFileSync(join(folder, 'index.ejs'), 'utf8');
    expect(page).toContain('<%');
    expect(page).not.toContain('fonts.googleapis.com');
  });

  it('removes the folders of processes that have ended, and only those', () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid as number;
    const running = process.ppid;
    for (const name of [
      `referrals-queue-board-${ended}`,
      `referrals-queue-board-${running}`,
      'referrals-queue-board-not-a-pid',
      'something-else',
    ]) {
      mkdirSync(join(root, name));
    }
    offlineViews(root);
    expect(readdirSync(root).sort()).toEqual(
      [
        `referrals-queue-board-${running}`,
        `referrals-queue-board-${process.pid}`,
        'referrals-queue-board-not-a-pid',
        'something-else',
      ].sort(),
    );
  });

  it('is removed when its process exits (the built module, in a process of its own)', () => {
    const built = join(__dirname, '..', '..', 'dist', 'operators', 'offline-views.js');
    const said = execFileSync(process.execPath, [
      '-e',
      `const folder = require(${JSON.stringify(built)}).offlineViews(${JSON.stringify(root)});
       console.log(JSON.stringify({ folder, written: require('node:fs').existsSync(folder) }));`,
    ]).toString();
    const { folder, written } = JSON.parse(said) as { folder: string; written: boolean };
    expect(written).toBe(true);
    expect(folder.startsWith(join(root, 'referrals-queue-board-'))).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });
});
