import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadPrograms } from '../../program-files';
import { writeGeneratedHistory } from '../../testing/generated-history';
import { lineAlignedCuts, scanRange } from '../fast/scan-range';
import { ReplayThreads } from './replay-threads';

/**
 * The threads of a replay, real ones: a job reaches its thread as soon as it
 * is given, so the thread works while the caller runs its own share
 * synchronously, and each answer goes to its own job.
 */
describe('replay threads', () => {
  const programs = loadPrograms();
  let folder: string;
  let history: string;
  let cuts: number[];
  let pool: ReplayThreads;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'replay-threads-'));
    history = join(folder, 'history.ndjson');
    writeGeneratedHistory(history, 4000);
    cuts = lineAlignedCuts(history, statSync(history).size, 3);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  beforeEach(() => {
    pool = new ReplayThreads(1, programs);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await pool.close();
  });

  const slice = (part: number) => ({ path: history, start: cuts[part], end: cuts[part + 1] });

  it('posts every job at once, and answers each with its own result, in order', async () => {
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    const scans = [0, 1, 2].map((part) => pool.scan(0, slice(part)));
    // Before this thread gives up control: a job posted from a callback would
    // wait for whatever it runs next.
    expect(posted).toHaveBeenCalledTimes(3);

    const ranges = await Promise.all(scans);
    ranges.forEach((range, part) => {
      const here = scanRange(history, cuts[part], cuts[part + 1], programs);
      expect(range.count).toBeGreaterThan(1000);
      expect(range.count).toBe(here.count);
      expect(Array.from(range.offset)).toEqual(Array.from(here.offset));
    });
  });

  it('rejects a failed job alone: the next one on the thread still runs', async () => {
    const missing = pool.scan(0, { path: join(folder, 'missing.ndjson'), start: 0, end: 10 });
    const next = pool.scan(0, slice(0));
    await expect(missing).rejects.toThrow(/ENOENT/);
    expect((await next).count).toBeGreaterThan(1000);
  });

  it('rejects every job still waiting when its thread ends', async () => {
    const waiting = [pool.scan(0, slice(0)), pool.scan(0, slice(1))];
    await pool.close();
    for (const job of waiting) await expect(job).rejects.toThrow(/replay thread exited/);
  });
});
