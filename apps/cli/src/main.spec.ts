import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTerminal } from './output/terminal';
import { runBuiltCli } from './testing/run-built-cli';
import { example, PLAIN, runCli } from './testing/run-cli';

/** The CLI as a pipeline sees it: exit codes, one-line errors, plain output, CSV, a summary on stderr. */

const history = example('histories', 'all-programs.ndjson');
const ESC = '\u001b[';
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'cli-spec-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('referrals --version', () => {
  it('prints the version and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/),
      stderr: '',
    });
  });
});

describe('referrals without a command', () => {
  it('prints the usage and a last line saying a command is required, exit 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: referrals/);
    expect(run.stderr).toMatch(
      /\nerror: a command is required \(replay, diff, explain, [^)]*\)\n$/,
    );
  });

  it('prints the usage on stdout with exit 0 when asked for it', async () => {
    const run = await runCli(['--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: referrals/);
  });
});

describe('referrals replay', () => {
  it('names the variables that tune it in its help, within 100 columns', async () => {
    const run = await runCli(['replay', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}REPLAY_THREADS=N +replay on N threads/m);
    expect(run.stdout).toContain('(default 1, the least memory)');
    expect(run.stdout).toMatch(/^ {2}REPLAY_EVENTS_PER_ENGINE=N .*default 131072/m);
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('takes a date alone as midnight UTC', async () => {
    const run = await runCli(['replay', '--input', history, '--as-of', '2026-04-02', '--json']);
    expect(run.code).toBe(0);
    const same = await runCli([
      'replay',
      ...['--input', history, '--as-of', '2026-04-02T00:00:00Z', '--json'],
    ]);
    expect(JSON.parse(run.stdout).asOf).toBe('2026-04-02T00:00:00.000Z');
    expect(run.stdout).toBe(same.stdout);
  });

  it('counts time to the millisecond: two events within one are a tie, decided by arrival', async () => {
    // Finer digits are accepted (Python's isoformat writes microseconds) and dropped, as Date does.
    const line = (id: string, type: string, accountId: string, at: string, data: object) =>
      JSON.stringify({ id, type, program: 'kallyai', accountId, occurredAt: at, data });
    const subscribed = [
      line('1', 'subscription.activated', 'ann', '2026-01-01T00:00:00Z', { plan: 'pro' }),
      line('2', 'referral_code.assigned', 'ann', '2026-01-01T00:00:00Z', { code: 'ANN-1' }),
    ];
    const signup = line('3', 'account.signed_up', 'bob', '2026-01-05T00:00:00.000200+00:00', {
      referralCode: 'ANN-1',
    });
    const cancel = line('4', 'subscription.cancelled', 'ann', '2026-01-05T00:00:00.0001Z', {});
    const statusOf = async (lines: string[], asOf = '2026-02-01') => {
      const path = join(folder, 'sub-millisecond.ndjson');
      writeFileSync(path, `${lines.join('\n')}\n`);
      const run = await runCli(['replay', '--input', path, '--as-of', asOf, '--json']);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { asOf: string; referrals: object[] };
    };
    const signupFirst = await statusOf([...subscribed, signup, cancel]);
    expect(signupFirst.referrals).toEqual([
      expect.objectContaining({ status: 'pending', signedUpAt: '2026-01-05T00:00:00.000Z' }),
    ]);
    const cancelFirst = await statusOf([...subscribed, cancel, signup]);
    expect(cancelFirst.referrals).toEqual([
      expect.objectContaining({ status: 'ineligible', reason: 'referrer_not_subscribed' }),
    ]);
    const asOfWithin = await statusOf([...subscribed, signup], '2026-01-05T00:00:00.0001Z');
    expect(asOfWithin.asOf).toBe('2026-01-05T00:00:00.000Z');
    expect(asOfWithin.referrals).toHaveLength(1);
  });

  it.each([
    ['minutes without seconds', '2026-04-02T09:30Z', '2026-04-02T09:30:00.000Z'],
    ['an offset without its colon', '2026-04-02T10:30:00+0100', '2026-04-02T09:30:00.000Z'],
    ['T24:00, the next midnight', '2026-04-01T24:00:00Z', '2026-04-02T00:00:00.000Z'],
  ])('reads an --as-of with %s, as a person types it', async (_case, asOf, read) => {
    const run = await runCli(['replay', '--input', history, '--as-of', asOf, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).asOf).toBe(read);
  });

  it('leaves one summary line on stderr', async () => {
    const run = await runCli(['replay', '--input', history, '--as-of', '2026-04-02', '--json']);
    const result = JSON.parse(run.stdout);
    expect(run.stderr).toBe(
      `35 events read, 0 duplicates, ${result.referrals.length} referrals, ${result.rewards.length} rewards\n`,
    );
  });

  it('counts duplicates in the summary', async () => {
    const file = join(folder, 'twice.ndjson');
    const line =
      '{"id":"e1","type":"account.signed_up","program":"kallyai","accountId":"a","occurredAt":"2026-01-01T00:00:00Z","data":{}}';
    writeFileSync(file, `${line}\n${line}\n`);
    const run = await runCli(['replay', '--input', file, '--as-of', '2026-04-02', '--json']);
    expect(run.stderr).toBe('2 events read, 1 duplicates, 0 referrals, 0 rewards\n');
  });

  it('prints referrals and rewards as CSV, one table each', async () => {
    const json = JSON.parse(
      (await runCli(['replay', '--input', history, '--as-of', '2026-04-02', '--json'])).stdout,
    );
    const referrals = await runCli([
      'replay',
      '--input',
      history,
      '--as-of',
      '2026-04-02',
      '--csv',
      'referrals',
    ]);
    const lines = referrals.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'program,referrerAccountId,refereeAccountId,status,reason,signedUpAt,plan,product,successfulPayments,invoicesRemaining,nextCheckAt,rewards',
    );
    expect(lines).toHaveLength(json.referrals.length + 1);
    const first = json.referrals[0];
    expect(
      lines[1].startsWith(
        `${first.program},${first.referrerAccountId},${first.refereeAccountId},${first.status},`,
      ),
    ).toBe(true);

    const rewards = await runCli([
      'replay',
      '--input',
      history,
      '--as-of',
      '2026-04-02',
      '--csv',
      'rewards',
    ]);
    const rows = rewards.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(json.rewards.length + 1);
    const cash = json.rewards.find((r: { kind: string }) => r.kind === 'cash');
    expect(rows).toContain(
      `${cash.rewardId},smithai,${cash.referrerAccountId},${cash.refereeAccountId},${cash.beneficiaryAccountId},referrer,cash,${cash.amount},USD,earned,${cash.earnedAt},${cash.dueBy},`,
    );
  });

  it('refuses a CSV table it does not know, with exit code 2', async () => {
    const run = await runCli(['replay', '--input', history, '--csv', 'accounts']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('draws tables no wider than 100 columns, without colour codes when plain', async () => {
    const run = await runCli(['replay', '--input', history, '--as-of', '2026-04-02']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.some((l) => l.includes('forfeited'))).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(run.stdout).not.toContain(ESC);
  });

  it('colours the tables only for a terminal that wants colour', async () => {
    const run = await runCli(['replay', '--input', history, '--as-of', '2026-04-02'], {
      ...PLAIN,
      color: true,
    });
    expect(run.stdout).toContain(ESC);
  });

  describe('exits 2 with one line on stderr and nothing on stdout', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'two output forms at once (--json was printed, --csv ignored)',
        ['--input', history, '--csv', 'rewards', '--json'],
        /^error: option '--csv <table>' cannot be used with option '--json'\n$/,
      ],
      [
        'a missing --input file',
        ['--input', join('nowhere', 'h.ndjson')],
        /^--input .*h\.ndjson: no such file\n$/,
      ],
      [
        'a missing --program-file',
        ['--input', history, '--program-file', 'nope.json'],
        /^--program-file nope\.json: no such file\n$/,
      ],
      [
        'a date that is no calendar date',
        ['--input', history, '--as-of', '2026-02-30'],
        /^--as-of: 2026-02-30 is not a calendar date\n$/,
      ],
      [
        'a date-time on no calendar date (Date.parse rolls it into March)',
        ['--input', history, '--as-of', '2026-02-30T00:00:00Z'],
        /^--as-of: 2026-02-30 is not a calendar date\n$/,
      ],
      [
        'a date-time without an offset',
        ['--input', history, '--as-of', '2026-02-01T10:00:00'],
        /^--as-of: must be /,
      ],
    ];
    it.each(cases)('for %s', async (_name, args, message) => {
      const run = await runCli(['replay', ...args]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('for a bad line, every problem of it on that one line', async () => {
      const file = join(folder, 'bad.ndjson');
      writeFileSync(
        file,
        '{"id":"e1","type":"payment.succeeded","program":"kallyai","accountId":"a","occurredAt":"2026-01-01T00:00:00Z","data":{"amount":-1}}\n',
      );
      const run = await runCli(['replay', '--input', file]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^line 1: data\.\w+: .*; line 1: data\.\w+: /);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('for a line whose key could reach an object prototype, as the API refuses it', async () => {
      const file = join(folder, 'proto.ndjson');
      writeFileSync(
        file,
        '{"id":"e1","type":"account.updated","program":"kallyai","accountId":"a","occurredAt":"2026-01-01T00:00:00Z","data":{"__proto__":{"email":"x@y.io"}}}\n',
      );
      const run = await runCli(['replay', '--input', file]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'line 1: data.__proto__: is a forbidden key (it could reach an object prototype)\n',
      );
    });

    it('for a line with control characters in a key or its text, still one line', async () => {
      const file = join(folder, 'forged.ndjson');
      writeFileSync(
        file,
        '{"id":"e1","type":"account.updated","program":"kallyai","accountId":"a","occurredAt":"2026-01-01T00:00:00Z","data":{"x\\nline 9: id: forged":1}}\n',
      );
      const key = await runCli(['replay', '--input', file]);
      expect(key.stderr).toBe('line 1: data["x\\nline 9: id: forged"]: unknown key\n');
      writeFileSync(file, '{"id":\u0007\u001b[31m }\n'); // JSON.parse quotes the line
      const text = await runCli(['replay', '--input', file]);
      expect(text.code).toBe(2);
      // eslint-disable-next-line no-control-regex -- no raw control character may reach stderr
      expect(text.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      expect(text.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });

  it('refuses standard input that is a directory (`< /tmp`), which reads as no history at all', async () => {
    const directory = openSync(folder, 'r');
    try {
      const run = await runBuiltCli(['replay', '--input', '-', '--json'], { stdin: directory });
      expect(run).toEqual({
        code: 2,
        stdout: 0,
        stderr: '--input -: standard input is a directory\n',
      });
    } finally {
      closeSync(directory);
    }
  });

  it('reads a pipe given by name, as `--input <(zcat history.ndjson.gz)` gives it', async () => {
    const fifo = join(folder, 'history.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer blocks until the replay opens the pipe, and ends when all is written.
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', history, fifo]);
    const written = new Promise((resolve) => writer.on('close', resolve));
    const args = ['--as-of', '2026-04-02', '--json'];
    const fromPipe = await runCli(['replay', '--input', fifo, ...args]);
    // Refused, the pipe would never be read, and its writer would wait for good.
    if (fromPipe.code !== 0) writer.kill();
    expect(fromPipe.code).toBe(0);
    expect(await written).toBe(0);
    const fromFile = await runCli(['replay', '--input', history, ...args]);
    expect(JSON.parse(fromPipe.stdout).referrals.length).toBeGreaterThan(0);
    expect(fromPipe.stdout).toBe(fromFile.stdout);
    expect(fromPipe.stderr).toBe(fromFile.stderr);
  });

  it('warns when no events were read, and still prints an empty replay', async () => {
    const file = join(folder, 'empty.ndjson');
    writeFileSync(file, '');
    const run = await runCli(['replay', '--input', file, '--as-of', '2026-04-02', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      asOf: '2026-04-02T00:00:00.000Z',
      referrals: [],
      rewards: [],
    });
    expect(run.stderr).toBe(
      `warning: no events read from ${file}\n0 events read, 0 duplicates, 0 referrals, 0 rewards\n`,
    );
  });
});

describe('referrals programs --program-file', () => {
  it('reads a program file that starts with a byte order mark, as some editors write', async () => {
    const rules = readFileSync(example('programs', 'callrail-three-invoices.json'), 'utf8');
    const marked = join(folder, 'marked-program.json');
    writeFileSync(marked, `\ufeff${rules}`);
    const plain = await runCli([
      'programs',
      '--json',
      '--program-file',
      example('programs', 'callrail-three-invoices.json'),
    ]);
    const run = await runCli(['programs', '--json', '--program-file', marked]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stdout).toContain('"callrail"');
  });

  it('refuses a program file with a key that could reach an object prototype', async () => {
    const rules = JSON.parse(
      readFileSync(example('programs', 'callrail-three-invoices.json'), 'utf8'),
    ) as object;
    const polluted = join(folder, 'polluted-program.json');
    // As JSON.parse reads it: an own key, which zod's strict object would let by.
    writeFileSync(
      polluted,
      JSON.stringify(rules).replace('"eligibility":{', '"eligibility":{"__proto__":{"x":1},'),
    );
    const run = await runCli(['programs', '--json', '--program-file', polluted]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `program file ${polluted}: eligibility.__proto__: is a forbidden key (it could reach an object prototype)\n`,
    );
  });

  it('refuses a program name that would restyle the terminal it is printed on', async () => {
    const rules = JSON.parse(
      readFileSync(example('programs', 'callrail-three-invoices.json'), 'utf8'),
    ) as Record<string, unknown>;
    const escaping = join(folder, 'escaping-program.json');
    writeFileSync(escaping, JSON.stringify({ ...rules, name: 'Red \u001b[31malert' }));
    const run = await runCli(['programs', '--program-file', escaping]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `program file ${escaping}: name: must not contain control characters\n`,
    );
    expect(run.stderr).not.toContain('\u001b');
  });

  it('keeps line breaks in a program description', async () => {
    const rules = JSON.parse(
      readFileSync(example('programs', 'callrail-three-invoices.json'), 'utf8'),
    ) as Record<string, unknown>;
    const described = join(folder, 'described-program.json');
    writeFileSync(
      described,
      JSON.stringify({ ...rules, description: 'Three invoices.\nA trial.' }),
    );
    const run = await runCli(['programs', '--json', '--program-file', described]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"description": "Three invoices.\\nA trial."');
  });
});

describe('the terminal', () => {
  it('is plain in a pipe, or with NO_COLOR set, and shows progress only on a terminal', () => {
    const tty = { isTTY: true, columns: 180 };
    expect(detectTerminal({}, tty, tty)).toEqual({ color: true, progress: true, columns: 100 });
    expect(detectTerminal({ NO_COLOR: '1' }, tty, tty).color).toBe(false);
    expect(detectTerminal({}, {}, {})).toEqual({ color: false, progress: false, columns: 100 });
    expect(detectTerminal({}, { isTTY: true, columns: 80 }, {}).columns).toBe(80);
  });
});
