import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeneratedHistory } from '../../testing/generated-history';
import { runBuiltCli } from '../../testing/run-built-cli';
import { runCli } from '../../testing/run-cli';
import { withEnv } from '../../testing/with-env';

/**
 * The replay on several threads (each checks a slice of the file, then each
 * program replays on a thread of its own) prints, byte for byte, what the
 * one-thread replay prints, and stops on the same first bad line.
 */
async function replayOn(threads: number | string, args: string[]) {
  return withEnv({ REPLAY_THREADS: String(threads) }, () => runCli(['replay', ...args]));
}

describe('the replay on several threads', () => {
  let folder: string;
  let history: string;
  let lines: string[];
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'parallel-replay-'));
    history = join(folder, 'history.ndjson');
    writeGeneratedHistory(history, 20000);
    lines = readFileSync(history, 'utf8').split('\n').filter(Boolean);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each([2, 3, 5])('on %i threads prints what one thread prints', async (threads) => {
    const args = ['--input', history, '--as-of', '2027-06-01', '--json'];
    const one = await replayOn(1, args);
    const many = await replayOn(threads, args);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).referrals.length).toBeGreaterThan(300);
    expect(many.code).toBe(0);
    expect(many.stdout).toBe(one.stdout);
    // Duplicates are found across slices: the summary counts them alike.
    expect(many.stderr).toBe(one.stderr);
    expect(one.stderr).toMatch(/ [1-9]\d* duplicates/);
  });

  it('finds a duplicate whose first copy is in another slice', async () => {
    const file = join(folder, 'late-duplicate.ndjson');
    writeFileSync(file, [...lines, lines[0], lines[1]].join('\n'));
    const one = await replayOn(1, ['--input', file, '--as-of', '2027-06-01', '--json']);
    const many = await replayOn(4, ['--input', file, '--as-of', '2027-06-01', '--json']);
    expect(many.stdout).toBe(one.stdout);
    expect(many.stderr).toBe(one.stderr);
  });

  it('stops on the first bad line of the file, whichever slice holds it', async () => {
    const signup = JSON.parse(lines[0]);
    const claim = (id: string, accountId: string) =>
      JSON.stringify({
        id,
        type: 'referral_code.assigned',
        program: signup.program,
        accountId,
        occurredAt: '2025-01-01T00:00:00.000Z',
        data: { code: 'TAKEN1' },
      });
    const bad = [...lines];
    bad.splice(100, 0, claim('claim-a', 'holder-a'));
    // The conflict comes first in the file; a line that is not JSON comes later.
    bad.splice(12000, 0, claim('claim-b', 'holder-b'));
    bad.splice(16000, 0, '{"id": oops');
    const file = join(folder, 'bad.ndjson');
    writeFileSync(file, bad.join('\n'));
    const one = await replayOn(1, ['--input', file, '--as-of', '2027-06-01']);
    const many = await replayOn(3, ['--input', file, '--as-of', '2027-06-01']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('line 12001: data.code');
    expect(many.code).toBe(2);
    expect(many.stderr).toBe(one.stderr);

    // Without the conflict, the line that is not JSON, at its number in the whole file.
    bad.splice(12000, 1);
    writeFileSync(file, bad.join('\n'));
    const notJson = await replayOn(3, ['--input', file, '--as-of', '2027-06-01']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('line 16000: (line): is not valid JSON');
    expect(notJson.stderr).toBe(
      (await replayOn(1, ['--input', file, '--as-of', '2027-06-01'])).stderr,
    );
  });

  it('ends, its threads closed, when its views cannot be written (a process of its own)', async () => {
    const args = ['replay', '--input', history, '--as-of', '2027-06-01', '--json'];
    const env = { REPLAY_THREADS: '2', TMPDIR: join(folder, 'no-such-folder') };
    // Threads left open would keep the process alive: the run would never end.
    const run = await runBuiltCli(args, { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(0);
    expect(run.stderr).toMatch(/^referrals: ENOENT: .*no-such-folder/m);
  }, 30_000);

  it('refuses a tuning variable that is not a whole number of at least 1, before reading', async () => {
    const args = ['--input', history, '--as-of', '2027-06-01', '--json'];
    const threads = await replayOn('many', args);
    const perEngine = await withEnv({ REPLAY_EVENTS_PER_ENGINE: '0' }, () =>
      runCli(['replay', ...args]),
    );
    for (const [run, message] of [
      [threads, 'REPLAY_THREADS: must be a whole number from 1 to 64, not "many"'],
      [perEngine, 'REPLAY_EVENTS_PER_ENGINE: must be a whole number of at least 1, not "0"'],
    ] as const) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      // One line, and no summary: nothing was read.
      expect(run.stderr).toBe(`${message}\n`);
    }
  });
});
