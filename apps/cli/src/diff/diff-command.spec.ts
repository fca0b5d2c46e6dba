import { example, runCli } from '../testing/run-cli';
import type { RuleDiff } from './rule-diff';

/** `referrals diff`: the same history under two rule sets, as money and as changed outcomes. */

const history = example('histories', 'all-programs.ndjson');
const threeInvoices = example('programs', 'callrail-three-invoices.json');
const asOf = '2026-06-01';

/** Runs a CLI command over the example history as of `asOf`; `rest` adds program files and output. */
const runOnHistory = (command: 'diff' | 'replay', ...rest: string[]) =>
  runCli([command, '--input', history, '--as-of', asOf, ...rest]);

type Reward = { program: string; kind: string; amount: number; refereeAccountId: string };
const replayRewards = async (...programFiles: string[]): Promise<Reward[]> => {
  const programFileArgs = programFiles.flatMap((file) => ['--program-file', file]);
  const run = await runOnHistory('replay', '--json', ...programFileArgs);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).rewards;
};
const sumOf = (rewards: Reward[], program: string, kind: string) =>
  rewards.filter((r) => r.program === program && r.kind === kind).reduce((s, r) => s + r.amount, 0);

describe('referrals diff --program-file NEW (against the built-in programs)', () => {
  let diff: RuleDiff;
  beforeAll(async () => {
    const run = await runOnHistory('diff', '--program-file', threeInvoices, '--json');
    expect(run.code).toBe(0);
    diff = JSON.parse(run.stdout);
  });

  it('totals each program and reward kind exactly as two separate replays would', async () => {
    const before = await replayRewards();
    const after = await replayRewards(threeInvoices);
    const credit = diff.totals.find((t) => t.program === 'callrail' && t.kind === 'account_credit');
    expect(credit).toEqual({
      program: 'callrail',
      kind: 'account_credit',
      unit: 'USD',
      old: { rewards: 2, amount: sumOf(before, 'callrail', 'account_credit') },
      new: { rewards: 4, amount: sumOf(after, 'callrail', 'account_credit') },
      difference:
        sumOf(after, 'callrail', 'account_credit') - sumOf(before, 'callrail', 'account_credit'),
    });
    expect(credit!.difference).toBeGreaterThan(0);
    for (const total of diff.totals.filter((t) => t.program !== 'callrail')) {
      expect(total.difference).toBe(0);
      expect(total.new.amount).toBe(sumOf(after, total.program, total.kind));
    }
  });

  it('lists the referrals whose outcome changes, field by field, and no other', () => {
    expect(diff.rules).toEqual({ old: 'built-in programs', new: threeInvoices });
    expect(diff.referrals.map((r) => [r.program, r.refereeAccountId])).toEqual([
      ['callrail', 'x-corp'],
      ['callrail', 'y-corp'],
    ]);
    const [earlier, newlyRewarded] = diff.referrals;
    // x-corp earned its credit at the fourth invoice; now at the third, a month earlier.
    expect(earlier.changes.map((c) => c.field)).toEqual([
      'referee account_credit earnedAt',
      'referrer account_credit earnedAt',
    ]);
    expect(earlier.old!.status).toBe('rewarded');
    // y-corp paid three invoices: pending under four, rewarded under three.
    expect(newlyRewarded.changes).toEqual(
      expect.arrayContaining([
        { field: 'status', old: 'pending', new: 'rewarded' },
        { field: 'referrer account_credit amount', old: null, new: 15000, unit: 'USD' },
        { field: 'referee account_credit amount', old: null, new: 15000, unit: 'USD' },
      ]),
    );
    expect(newlyRewarded.new!.rewards).toHaveLength(2);
  });

  it('prints tables within 100 columns, and each table as CSV', async () => {
    const table = await runOnHistory('diff', '--program-file', threeInvoices);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('+$300.00');
    const tableLines = table.stdout.split('\n').filter((l) => /^[┌│├└]/.test(l));
    expect(tableLines.length).toBeGreaterThan(10);
    expect(Math.max(...tableLines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(table.stderr).toBe('35 events read, 0 duplicates, 2 referrals change\n');

    const totals = await runOnHistory('diff', '--program-file', threeInvoices, '--csv', 'totals');
    expect(totals.stdout.split('\n')).toContain(
      'callrail,account_credit,USD,2,10000,4,40000,30000',
    );
    const changes = await runOnHistory(
      'diff',
      '--program-file',
      threeInvoices,
      '--csv',
      'referrals',
    );
    expect(changes.stdout.split('\n')).toContain(
      'callrail,y-corp,agency-a,status,pending,rewarded',
    );
  });
});

describe('referrals diff --program-file NEW --program-file OLD', () => {
  it('compares the two files; the same rules twice change nothing', async () => {
    const run = await runOnHistory(
      'diff',
      ...['--program-file', threeInvoices, '--program-file', threeInvoices, '--json'],
    );
    const diff: RuleDiff = JSON.parse(run.stdout);
    expect(diff.referrals).toEqual([]);
    expect(diff.totals.length).toBeGreaterThan(0);
    for (const total of diff.totals) expect(total.difference).toBe(0);
  });

  it('a program only the new rules have counts as all new', async () => {
    const capped = example('programs', 'callrail-capped.json');
    const run = await runOnHistory('diff', '--program-file', capped, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).referrals).toEqual([]); // the history has no callrail-capped events
  });

  it('needs a --program-file: exit 2', async () => {
    const run = await runCli(['diff', '--input', history]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});
