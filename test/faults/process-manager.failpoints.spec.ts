import { failpoints, FailpointError } from '@referrals/event-store';
import { HOUR, history, pmWorld, PmWorld, replayed } from './pm-world';

/**
 * The process manager commits twice per step: decisions with the applied log,
 * then the views with the checkpoint (then it tells the queues). A failure
 * before, between or after those commits must leave, once it has recovered,
 * exactly the decisions and views a failure-free run gives.
 */
const STEPS = ['pm.before-append', 'pm.after-append', 'pm.after-views'] as const;
const PROGRAMS = [
  ['callrail', 'callrail-four-invoices'],
  ['smithai', 'smithai-third-month-cash'],
] as const;

async function expectSameAsReplay(world: PmWorld, name: string) {
  const events = history(name);
  const expected = replayed(events);
  const decisions = await world.decisions();
  const earned = decisions.filter((e) => e.type === 'RewardEarned');
  expect(earned.map((e) => (e.data as { rewardId: string }).rewardId).sort()).toEqual(
    expected
      .rewardViews()
      .map((r) => r.rewardId)
      .sort(),
  );
  // Nothing decided twice: every decision's event id once (the store's key), and no stream gaps.
  expect(new Set(decisions.map((d) => d.eventId)).size).toBe(decisions.length);
  for (const view of expected.referralViews())
    expect(await world.queries.referralsOf(view.program, view.referrerAccountId)).toContainEqual(
      view,
    );
  for (const reward of expected.rewardViews())
    expect(
      await world.queries.rewardsOf(reward.program, reward.beneficiaryAccountId),
    ).toContainEqual(reward);
}

/**
 * Feeds the history and lets the clock run until every event has waited its
 * window, several times over: a manager that rebuilt takes its unlogged events
 * in again, and they wait a window again.
 */
async function runThrough(world: PmWorld, program: string, name: string) {
  const manager = world.manager(program);
  await manager.start();
  for (const event of history(name))
    expect((await world.ingestor.ingest(event)).status).toBe('accepted');
  for (let round = 0; round < 4; round++) {
    await manager.settle();
    world.advance(HOUR);
  }
  world.advance(100 * 24 * HOUR); // every check is due
  for (let round = 0; round < 3; round++) {
    await manager.settle();
    world.advance(HOUR);
  }
  await manager.settle();
  return manager;
}

describe('a process manager that fails between its commits', () => {
  let world: PmWorld;
  beforeEach(async () => {
    failpoints.reset();
    world = await pmWorld();
  });
  afterEach(async () => {
    failpoints.reset();
    await world.close();
  });

  describe.each(STEPS)('at %s', (step) => {
    it.each(PROGRAMS)(
      'rebuilds from the store and decides %s exactly as a run without the fault',
      async (program, name) => {
        failpoints.arm(step, 'throw', 2);
        const manager = await runThrough(world, program, name);
        expect(failpoints.passes(step)).toBeGreaterThan(2);
        expect(world.errors.some((e) => (e as Error).cause instanceof FailpointError)).toBe(true);
        expect(manager.status().state).toBe('leading');
        await expectSameAsReplay(world, name);
      },
      120_000,
    );
  });

  it.each(STEPS)(
    'a new manager after one that died at %s (its memory gone) carries on without loss or double',
    async (step) => {
      const events = history('callrail-four-invoices');
      const first = world.manager('callrail');
      await first.start();
      for (const event of events) await world.ingestor.ingest(event);
      failpoints.arm(step, 'throw', 1000); // it never gets past this step again
      world.advance(HOUR);
      await first.wake();
      await first.stop(); // the process is gone
      failpoints.reset();

      const second = world.manager('callrail');
      await second.start();
      for (let round = 0; round < 3; round++) {
        await second.settle();
        world.advance(HOUR);
      }
      world.advance(100 * 24 * HOUR);
      await second.settle();
      await expectSameAsReplay(world, 'callrail-four-invoices');
    },
    120_000,
  );
});
