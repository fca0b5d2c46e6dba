import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeneratedHistory } from '../testing/generated-history';
import { runBuiltCli } from '../testing/run-built-cli';

/**
 * `referrals replay … | head`: the reader closes the pipe after the first
 * lines. The built CLI (`npm test` builds first) stops writing and ends
 * quietly, with 0 and no stack trace, as the reader asked for no more.
 */
describe('the CLI whose reader stops early', () => {
  let folder: string;
  let args: string[];
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'closed-pipe-'));
    const history = join(folder, 'history.ndjson');
    writeGeneratedHistory(history, 20000);
    args = ['replay', '--input', history, '--as-of', '2027-06-01', '--json'];
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('stops writing and exits 0 without an error', async () => {
    const whole = await runBuiltCli(args);
    expect(whole.code).toBe(0);
    // Far more than a pipe holds (64 KiB), so writes go on after the reader left.
    expect(whole.stdout).toBeGreaterThan(512 << 10);

    const cut = await runBuiltCli(args, { closeAfterFirstChunk: true });
    expect(cut.stdout).toBeLessThan(whole.stdout);
    expect(cut.stderr).toBe(whole.stderr); // the summary line, and nothing else
    expect(cut.code).toBe(0);
  }, 60_000);
});
