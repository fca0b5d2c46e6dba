import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../apps/cli/src/testing/run-cli';
import callrail from '../../libs/domain/src/programs/builtin/callrail.json';
import {
  api,
  exampleHistory,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';

type ProgramFile = { triggers: { count: number; rewards: { amount: unknown }[] }[] };

/** CallRail's rules changed one way, written to a program file. */
function programFile(folder: string, name: string, change: (file: ProgramFile) => void): string {
  const file = JSON.parse(JSON.stringify(callrail)) as ProgramFile;
  change(file);
  const path = join(folder, `${name}.json`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

const doubled = (amount: unknown) =>
  JSON.parse(JSON.stringify(amount).replace(/\d+/g, (n) => String(Number(n) * 2))) as unknown;

describe('referrals migrate-rules', () => {
  it('shows the money a rule change moves, appends corrections only with --apply, and never rewrites', async () => {
    const settings = onPostgres();
    const harness = await startTestEngine(settings);
    const folder = mkdtempSync(join(tmpdir(), 'migrate-rules-'));
    const saved = { ...process.env };
    try {
      const { engine } = harness;
      const events = inTimeOrder(readEvents(exampleHistory('callrail-four-invoices')));
      expect((await api(engine, 'POST', '/v1/events', events)).status).toBe(202);
      await untilIdle(engine);
      const balancePath = '/v1/programs/callrail/accounts/agency-a/balance';
      const balance = async () => (await api(engine, 'GET', balancePath)).body.balances;
      const [credit] = await balance();
      expect(credit.amount).toBeGreaterThan(0);
      const countEvents = async () =>
        (await engine.runtime.store.readAll({ maxCount: 100_000 })).length;
      const stored = await countEvents();
      Object.assign(process.env, settings);

      // Five invoices instead of four: both rewards would not be earned. A dry run appends nothing.
      const stricter = programFile(folder, 'stricter', (f) => (f.triggers[0].count = 5));
      const dry = await runCli(['migrate-rules', '--program-file', stricter]);
      expect(dry.code).toBe(0);
      expect(dry.stdout.match(/^void /gm)).toHaveLength(2);
      expect(dry.stdout).toContain('dry run: nothing appended');
      expect(await countEvents()).toBe(stored);
      expect(await balance()).toEqual([credit]);

      // Twice the credit, applied: RewardAdjusted in each reward's stream, the ledger moves by the difference.
      const richer = programFile(folder, 'richer', (f) =>
        f.triggers[0].rewards.forEach((r) => (r.amount = doubled(r.amount))),
      );
      const applied = await runCli([
        'migrate-rules',
        '--program-file',
        richer,
        '--apply',
        '--json',
      ]);
      expect(applied.code).toBe(0);
      const result = JSON.parse(applied.stdout);
      expect(result.corrections).toHaveLength(2);
      expect(result.corrections.map((c: { outcome: string }) => c.outcome)).toEqual([
        'appended',
        'appended',
      ]);
      expect(await balance()).toEqual([{ ...credit, amount: credit.amount * 2 }]);
      const rewardId = result.corrections.find(
        (c: { beneficiaryAccountId: string }) => c.beneficiaryAccountId === 'agency-a',
      ).rewardId;
      const trail = await engine.runtime.store.readStream(`reward:${rewardId}`);
      expect(trail.map((e) => e.type)).toEqual(['RewardPaid', 'RewardAdjusted']);
      expect(trail[1].data).toMatchObject({
        reason: 'rule_change',
        previousAmount: credit.amount,
        programVersion: result.versions.callrail,
        by: 'migrate-rules',
      });
      // Asked again, the rewards already hold the new amounts.
      expect((await runCli(['migrate-rules', '--program-file', richer])).stdout).toContain(
        'no reward changes',
      );

      // The stricter rules applied: the rewards are voided for the rule change, the credit taken back.
      const voided = await runCli(['migrate-rules', '--program-file', stricter, '--apply']);
      expect(voided.stdout.match(/^void .*appended$/gm)).toHaveLength(2);
      expect(await balance()).toEqual([{ ...credit, amount: 0 }]);
      const rewards = (await api(engine, 'GET', '/v1/programs/callrail/accounts/agency-a/rewards'))
        .body.rewards;
      expect(rewards).toEqual([expect.objectContaining({ rewardId, status: 'voided' })]);
    } finally {
      process.env = saved;
      rmSync(folder, { recursive: true, force: true });
      await harness.stop();
    }
  }, 90_000);
});
