import {
  appendFileSync,
  createReadStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgramRegistry } from '@referrals/domain';
import { writeGeneratedHistory } from '../../testing/generated-history';
import { runCli } from '../../testing/run-cli';
import { withEnv } from '../../testing/with-env';
import { readHistory } from '../read-history';
import { replay } from '../replay';

/**
 * The two-pass replay (check and index, then re-read in time order) prints,
 * byte for byte, what the first replay printed: readline, every event held,
 * a Set of ids, an external merge sort of JSON runs. On a synthetic history
 * of the benchmark's kind (three programs, ~1.5 % duplicates, late arrivals).
 */
const programs = ProgramRegistry.withBuiltins();

async function reference(file: string, asOf: string): Promise<string> {
  const result = await replay(
    readHistory(createReadStream(file), programs),
    Date.parse(asOf),
    programs,
    {
      runSize: 5000, // several runs spilled and merged
    },
  );
  return `${JSON.stringify(result, null, 2)}\n`;
}

describe('the two-pass replay prints what the reference replay prints', () => {
  let folder: string;
  let history: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'same-output-'));
    history = join(folder, 'history.ndjson');
    writeGeneratedHistory(history, 30000);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(['2025-01-01', '2025-09-15T12:00:00Z', '2027-06-01'])(
    'as of %s',
    async (asOf) => {
      const run = await runCli(['replay', '--input', history, '--as-of', asOf, '--json']);
      expect(run.code).toBe(0);
      const expected = await reference(history, asOf.length === 10 ? `${asOf}T00:00:00Z` : asOf);
      expect(JSON.parse(expected).referrals.length).toBeGreaterThan(500);
      expect(run.stdout).toBe(expected);
    },
    120_000,
  );

  it('with each program cut into shares of its referral groups, an engine each', async () => {
    process.env.REPLAY_EVENTS_PER_ENGINE = '1500';
    try {
      const run = await runCli(['replay', '--input', history, '--as-of', '2027-06-01', '--json']);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(await reference(history, '2027-06-01T00:00:00Z'));
    } finally {
      delete process.env.REPLAY_EVENTS_PER_ENGINE;
    }
  }, 120_000);

  it('with a byte order mark, CRLF line ends, blank lines and no newline at the end', async () => {
    const lines = readFileSync(history, 'utf8').split('\n').filter(Boolean).slice(0, 4000);
    const odd = join(folder, 'odd.ndjson');
    writeFileSync(odd, '\ufeff' + lines.slice(0, 2000).join('\r\n') + '\r\n\r\n   \n');
    appendFileSync(odd, lines.slice(2000).join('\n'));
    const run = await runCli(['replay', '--input', odd, '--as-of', '2027-06-01', '--json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await reference(odd, '2027-06-01T00:00:00Z'));
    expect(JSON.parse(run.stdout).referrals.length).toBeGreaterThan(10);
    expect(run.stderr).toMatch(/^4000 events read, /);
  });

  it('skips a line of JSON whitespace only: a no-break space or a form feed is not blank', async () => {
    const lines = readFileSync(history, 'utf8').split('\n').filter(Boolean).slice(0, 2);
    for (const space of ['\u00a0', '\f', '\v']) {
      const file = join(folder, 'spaces.ndjson');
      writeFileSync(file, `${lines[0]}\n \t\n${space}\n${lines[1]}\n`);
      const run = await runCli(['replay', '--input', file, '--json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^line 3: \(line\): /);
    }
  });

  it('refuses a line that is not valid UTF-8, as the API refuses such a body', async () => {
    const lines = readFileSync(history, 'utf8').split('\n').filter(Boolean).slice(0, 3000);
    // U+FFFD written out is valid: only bytes that do not decode are refused.
    const replacement = lines[5].replace(/"id":"/, '"id":"\ufffd');
    const file = join(folder, 'latin1.ndjson');
    const latin1 = Buffer.from(lines[2000].replace(/"id":"/, '"id":"\u00e9'), 'latin1');
    for (const [where, last] of [
      ['mid-file', false],
      ['at the end, without a newline', true],
    ] as const) {
      const before = [replacement, ...lines.slice(1, last ? 3000 : 2000)].join('\n') + '\n';
      const after = last ? '' : '\n' + lines.slice(2001).join('\n') + '\n';
      writeFileSync(file, Buffer.concat([Buffer.from(before), latin1, Buffer.from(after)]));
      const line = last ? 3001 : 2001;
      for (const threads of ['1', '3']) {
        const run = await withEnv({ REPLAY_THREADS: threads }, () =>
          runCli(['replay', '--input', file, '--as-of', '2027-06-01', '--json']),
        );
        expect({ where, threads, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
          where,
          threads,
          code: 2,
          stdout: '',
          stderr: `line ${line}: (line): is not valid UTF-8\n`,
        });
      }
    }
    writeFileSync(file, [replacement, ...lines.slice(1)].join('\n'));
    expect((await runCli(['replay', '--input', file, '--as-of', '2027-06-01'])).code).toBe(0);
  });

  it('names a byte order mark anywhere but at the start of the file', async () => {
    const lines = readFileSync(history, 'utf8').split('\n').filter(Boolean).slice(0, 10);
    const joined = join(folder, 'joined.ndjson'); // two files with a mark each, one after the other
    writeFileSync(
      joined,
      `\ufeff${lines.slice(0, 5).join('\n')}\n\ufeff${lines.slice(5).join('\n')}\n`,
    );
    const run = await runCli(['replay', '--input', joined, '--as-of', '2027-06-01', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'line 6: (line): starts with a byte order mark (U+FEFF), allowed only at the start of the file\n',
    );
  });
});
