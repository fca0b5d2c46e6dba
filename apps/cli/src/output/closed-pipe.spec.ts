import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeneratedHistory } from '../testing/generated-history';

/**
 * `referrals replay … | head`: the reader closes the pipe after the first
 * lines. The built CLI (`npm test` builds first) stops writing and ends
 * quietly, with 0 and no stack trace, as the reader asked for no more.
 */
const BIN = join(__dirname, '..', '..', 'bin', 'referrals.js');

function run(args: string[], closeAfterFirstChunk: boolean) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.length;
    if (closeAfterFirstChunk) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: number; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

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
    const whole = await run(args, false);
    expect(whole.code).toBe(0);
    // Far more than a pipe holds (64 KiB), so writes go on after the reader left.
    expect(whole.stdout).toBeGreaterThan(512 << 10);

    const cut = await run(args, true);
    expect(cut.stdout).toBeLessThan(whole.stdout);
    expect(cut.stderr).toBe(whole.stderr); // the summary line, and nothing else
    expect(cut.code).toBe(0);
  }, 60_000);
});
