import { parseProgram, ProgramRegistry } from '@referrals/domain';
import { programVersion } from '@referrals/process-manager';
import { rebuildProjections } from '../../apps/cli/src/rebuild-projections';
import callrail from '../../libs/domain/src/programs/builtin/callrail.json';
import {
  api,
  inTimeOrder,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';

const HISTORY = exampleHistory('callrail-four-invoices');

/** CallRail with other rules: twice the credit, after two invoices instead of four. */
function changedCallrail(): ProgramRegistry {
  const file = JSON.parse(JSON.stringify(callrail)) as {
    triggers: { count: number; rewards: { amount: unknown }[] }[];
  };
  file.triggers[0].count = 2;
  file.triggers[0].rewards = file.triggers[0].rewards.map((r) => ({
    ...r,
    amount: JSON.parse(JSON.stringify(r.amount).replace(/\d+/g, (n) => String(Number(n) * 2))),
  }));
  const parsed = parseProgram(file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return ProgramRegistry.withBuiltins([parsed.value]);
}

describe('referrals rebuild-projections', () => {
  it('folds the stored decisions and lifecycle events again, under changed rules too, deciding and paying nothing', async () => {
    const settings = onPostgres();
    const harness = await startTestEngine(settings);
    const saved = { ...process.env };
    try {
      const { engine } = harness;
      expect(
        (await api(engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
      ).toBe(202);
      await untilIdle(engine);
      const path = '/v1/programs/callrail/accounts/agency-a/referrals';
      const before = await api(engine, 'GET', path);
      expect(before.body.referrals).toHaveLength(2);
      const rewardsPath = '/v1/programs/callrail/accounts/agency-a/rewards';
      const rewardsBefore = await api(engine, 'GET', rewardsPath);
      expect(rewardsBefore.body.rewards.map((r: { status: string }) => r.status)).toEqual(['paid']);
      const balancePath = '/v1/programs/callrail/accounts/agency-a/balance';
      const balanceBefore = (await api(engine, 'GET', balancePath)).body;
      const schema = settings.DATABASE_SCHEMA;
      const eventCount = async () =>
        Number(
          (
            await engine.runtime.db.query<{ n: string }>(
              `SELECT count(*)::text AS n FROM "${schema}".events`,
            )
          )[0].n,
        );
      const eventsBefore = await eventCount();
      // Each decision names the rules that took it.
      const decisions = await engine.runtime.store.readAll({ streamPrefixes: ['referral:'] });
      expect(decisions.length).toBeGreaterThan(0);
      const version = programVersion(ProgramRegistry.withBuiltins().require('callrail'));
      for (const decision of decisions) expect(decision.metadata.programVersion).toBe(version);

      // The views and the ledger are lost; the events are not.
      await engine.runtime.db.query(`DELETE FROM "${schema}".referral_view`);
      await engine.runtime.db.query(`DELETE FROM "${schema}".reward_view`);
      await engine.runtime.db.query(`DELETE FROM "${schema}".reward_ledger`);
      expect((await api(engine, 'GET', path)).body.referrals).toEqual([]);

      Object.assign(process.env, settings);
      const summary = await rebuildProjections();
      expect(summary).toMatch(/2 referrals, 2 rewards/);
      expect((await api(engine, 'GET', path)).body).toEqual(before.body);
      // Paid stays paid, with its time: the status comes from the reward's own stream.
      expect((await api(engine, 'GET', rewardsPath)).body).toEqual(rewardsBefore.body);
      expect((await api(engine, 'GET', balancePath)).body).toEqual(balanceBefore);

      // New rules in a program file: the rebuild folds what was decided, it does not decide again.
      await rebuildProjections({ programs: changedCallrail() });
      expect((await api(engine, 'GET', path)).body.referrals.map(withoutCountdown)).toEqual(
        before.body.referrals.map(withoutCountdown),
      );
      expect((await api(engine, 'GET', rewardsPath)).body).toEqual(rewardsBefore.body);
      expect((await api(engine, 'GET', balancePath)).body).toEqual(balanceBefore);
      await untilIdle(engine);
      expect(await eventCount()).toBe(eventsBefore); // nothing decided, nothing paid
      expect((await api(engine, 'GET', balancePath)).body).toEqual(balanceBefore);
    } finally {
      process.env = saved;
      await harness.stop();
    }
  }, 90_000);

  it('shows the payments a decision saw, when another payment shares its instant', async () => {
    const settings = onPostgres();
    const harness = await startTestEngine(settings);
    const saved = { ...process.env };
    try {
      const { engine } = harness;
      // x-corp's fourth invoice rewards the referral; a fifth is paid at that very instant, after it.
      const fourth = readEvents(HISTORY).find((e) => e.id === 'ca-0009')!;
      const fifth = {
        ...fourth,
        id: 'ca-0009-b',
        data: { ...fourth.data, invoiceId: 'inv-x-5' },
      } as typeof fourth;
      const history = inTimeOrder([...readEvents(HISTORY), fifth]);
      expect((await api(engine, 'POST', '/v1/events', history)).status).toBe(202);
      await untilIdle(engine);
      const path = '/v1/programs/callrail/accounts/agency-a/referrals';
      const live = (await api(engine, 'GET', path)).body;
      const xCorp = live.referrals.find(
        (r: { refereeAccountId: string }) => r.refereeAccountId === 'x-corp',
      );
      expect(xCorp).toMatchObject({ status: 'rewarded', successfulPayments: 4 });

      await engine.runtime.db.query(`DELETE FROM "${settings.DATABASE_SCHEMA}".referral_view`);
      Object.assign(process.env, settings);
      await rebuildProjections();
      expect((await api(engine, 'GET', path)).body).toEqual(live);

      // Because the deciding event says what it saw (and only that event).
      const decisions = await engine.runtime.store.readAll({ streamPrefixes: ['referral:'] });
      const counts = decisions
        .filter((d) => d.streamId.endsWith(':x-corp'))
        .map((d) => (d.data as { refereePaymentsAtDecision?: number }).refereePaymentsAtDecision)
        .filter((n) => n !== undefined);
      expect(counts).toEqual([4]);

      // Decisions stored before events carried it stay readable: the rebuild counts the payments
      // up to the decision's time, as it always did (here that takes in the fifth, of the same instant).
      await engine.runtime.db.query(
        `UPDATE "${settings.DATABASE_SCHEMA}".events SET data = data - 'refereePaymentsAtDecision'`,
      );
      await rebuildProjections();
      const fellBack = (await api(engine, 'GET', path)).body.referrals.find(
        (r: { refereeAccountId: string }) => r.refereeAccountId === 'x-corp',
      );
      expect(fellBack).toEqual({ ...xCorp, successfulPayments: 5 });
    } finally {
      process.env = saved;
      await harness.stop();
    }
  }, 90_000);
});

/** The invoice countdown is the program's count less the payments: a changed count moves it, nothing else. */
const withoutCountdown = ({ invoicesRemaining: _, ...rest }: { invoicesRemaining?: number }) =>
  rest;
