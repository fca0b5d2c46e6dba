import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from 'proper-lockfile';
import { DataFolderInUseError, PgliteDatabase } from '@referrals/event-store';

describe('the PGlite data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'referrals-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has one writer: a second open says in one line that the folder is in use', async () => {
    const first = await PgliteDatabase.open(dir);
    expect(await check(dir)).toBe(true);
    try {
      const second = PgliteDatabase.open(dir);
      await expect(second).rejects.toBeInstanceOf(DataFolderInUseError);
      await expect(second).rejects.toThrow(/^the data folder .* is in use by another process/);
      expect(String(await second.catch((e: Error) => e.message))).not.toContain('\n');
    } finally {
      await first.close();
    }
    // Closed, the folder is free again.
    expect(await check(dir)).toBe(false);
  }, 60_000);

  it('is taken over from a killed engine, whose lock nobody refreshes, without waiting to be told', async () => {
    const folder = join(dir, 'killed');
    // An engine that takes the lock as PgliteDatabase does, then dies by SIGKILL: no close, no unlock.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('node:fs').mkdirSync(${JSON.stringify(folder)}, { recursive: true });
         require('proper-lockfile').lock(${JSON.stringify(folder)}, { stale: 30000, update: 10000 })
           .then(() => console.log('locked'));
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(await check(folder)).toBe(true);
    // Its last refresh 28 s ago: its lock goes stale in about 2 s, as a killed engine's would in
    // at most 30 s.
    const lastRefresh = new Date(Date.now() - 28_000);
    utimesSync(`${folder}.lock`, lastRefresh, lastRefresh);

    const began = Date.now();
    const reopened = await PgliteDatabase.open(folder);
    try {
      expect(Date.now() - began).toBeGreaterThan(1_000);
      expect(await reopened.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
