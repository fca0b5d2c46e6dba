import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { processFolder, removeProcessFolder } from './process-folder';

/**
 * A temporary folder of the process's own: removed when the process exits,
 * and, for a process that was killed, by the next one to make a folder of
 * the same kind.
 */
describe('processFolder', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'process-folder-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes a new folder named after the kind and the process', () => {
    const first = processFolder('referrals-kind-', root);
    const second = processFolder('referrals-kind-', root);
    expect(first).not.toBe(second);
    for (const folder of [first, second]) {
      expect(existsSync(folder)).toBe(true);
      expect(basename(folder)).toMatch(new RegExp(`^referrals-kind-${process.pid}-\\w{6}$`));
    }
    [first, second].forEach(removeProcessFolder);
    expect(existsSync(first)).toBe(false);
  });

  it('holds one exit handler however many folders it made, none once all are removed', () => {
    const listeners = process.listenerCount('exit');
    const folders = Array.from({ length: 20 }, () => processFolder('referrals-kind-', root));
    expect(process.listenerCount('exit')).toBe(listeners + 1);
    for (const folder of folders) removeProcessFolder(folder);
    expect(process.listenerCount('exit')).toBe(listeners);
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the folders of its kind whose process has ended, and only those', () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid as number;
    const running = process.ppid;
    const before = [
      `referrals-kind-${ended}-AbC123`,
      `referrals-kind-${ended}`, // as an earlier version named them
      `referrals-kind-${running}-AbC123`,
      'referrals-kind-not-a-pid',
      `referrals-other-${ended}-AbC123`,
    ];
    for (const name of before) mkdirSync(join(root, name));
    const folder = processFolder('referrals-kind-', root);
    const made = basename(folder);
    expect(readdirSync(root).sort()).toEqual(
      [
        `referrals-kind-${running}-AbC123`,
        'referrals-kind-not-a-pid',
        `referrals-other-${ended}-AbC123`,
        made,
      ].sort(),
    );
    removeProcessFolder(folder);
  });

  it('is removed when its process exits (the built module, in a process of its own)', () => {
    const built = join(__dirname, '..', 'dist', 'process-folder.js');
    const said = execFileSync(process.execPath, [
      '-e',
      `const folder = require(${JSON.stringify(built)}).processFolder('referrals-kind-', ${JSON.stringify(root)});
       require('node:fs').writeFileSync(require('node:path').join(folder, 'copy.ndjson'), 'x');
       console.log(JSON.stringify({ folder, written: require('node:fs').existsSync(folder) }));`,
    ]).toString();
    const { folder, written } = JSON.parse(said) as { folder: string; written: boolean };
    expect(written).toBe(true);
    expect(folder.startsWith(join(root, 'referrals-kind-'))).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });
});
