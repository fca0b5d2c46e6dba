import { mkdtempSync, rmSync } from 'node:fs';
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
});
