import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { offlineViews } from './offline-views';

/** The queue board's page, offline, in a temporary folder of the process's own (see processFolder). */
describe('the queue board offline page', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'offline-views-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is the page without its web-font link', () => {
    const folder = offlineViews(root);
    expect(basename(folder)).toMatch(new RegExp(`^referrals-queue-board-${process.pid}-`));
    const page = readFileSync(join(folder, 'index.ejs'), 'utf8');
    expect(page).toContain('<%');
    expect(page).not.toContain('fonts.googleapis.com');
  });
});
