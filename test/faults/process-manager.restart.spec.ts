import type { BillingEvent } from '@referrals/contracts';
import { failpoints } from '@referrals/event-store';
import { accountStream, billingEventId, referralStream } from '@referrals/ingestion';
import { appliedStream, type ReferralProcessManager } from '@referrals/process-manager';
import { HOUR, NOW, pmWorld, PmWorld, replayed } from './pm-world';

const WINDOW = 60_000;
const at = (hoursBeforeNow: number) => new Date(NOW - hoursBeforeNow * HOUR).toISOString();
let n = 0;
const sent: BillingEvent[] = [];
const event = (e: Omit<BillingEvent, 'id' | 'program'>): BillingEvent => {
  const made = { id: `restart-${n++}`, program: 'kallyai', ...e } as BillingEvent;
  sent.push(made);
  return made;
};

const signUp = (world: PmWorld, accountId: string, hoursAgo: number, referrerAccountId?: string) =>
  world.ingestor.ingest(
    event({
      type: 'account.signed_up',
      accountId,
      occurredAt: at(hoursAgo),
      data: referrerAccountId ? { referrerAccountId } : {},
    }),
  );

const subscribe = (world: PmWorld, accountId: string, hoursAgo: number) =>
  world.ingestor.ingest(
    event({
      type: 'subscription.activated',
      accountId,
      occurredAt: at(hoursAgo),
      data: { plan: 'pro' },
    }),
  );

/** Alice subscribes, then refers bob, who subscribes: a referral that earns alice a reward. */
async function ingestRewardedReferral(world: PmWorld) {
  await signUp(world, 'alice', 10);
  await subscribe(world, 'alice', 9);
  await signUp(world, 'bob', 5, 'alice');
  await subscribe(world, 'bob', 4);
}

/** The manager holds events back one reorder window: settle, let the window pass, settle again. */
async function settlePastWindow(world: PmWorld, manager: ReferralProcessManager) {
  await manager.settle();
  world.advance(WINDOW);
  await manager.settle();
}

/** Appends a kallyai event straight into the store, as if stored before the contract refused it. */
async function storePastTheContract(world: PmWorld, stored: BillingEvent) {
  await world.store.appendToStream(accountStream('kallyai', stored.accountId), [
    { eventId: billingEventId('kallyai', stored.id), type: stored.type, data: stored },
  ]);
}

describe('a process manager that restarts', () => {
  let world: PmWorld;
  beforeEach(async () => (world = await pmWorld()));
  afterEach(() => world.close());

  it('rebuilds the state its decisions came from, not the one a re-sort by event time gives', async () => {
    const first = world.manager('kallyai', WINDOW);
    await first.start();
    await signUp(world, 'alice', 10);
    await signUp(world, 'bob', 5, 'alice');
    await settlePastWindow(world, first);
    // KallyAI wants a subscribed referrer at the signup: alice's activation, dated before bob's
    // signup, comes a window too late. Live, bob's referral was judged without it.
    await subscribe(world, 'alice', 8);
    await settlePastWindow(world, first);
    const decided = (await world.store.readStream(referralStream('kallyai:bob'))).map(
      (e) => e.type,
    );
    expect(decided).toContain('ReferralCreated');
    await first.stop();

    const second = world.manager('kallyai', WINDOW);
    await second.start();
    await subscribe(world, 'bob', 1);
    await settlePastWindow(world, second);
    expect(second.status()).toMatchObject({ state: 'leading' });
    expect(world.errors).toEqual([]);
    // Re-sorted by event time, alice was subscribed at bob's signup and a reward would follow now.
    const stream = await world.store.readStream(referralStream('kallyai:bob'));
    expect(stream.map((e) => e.type)).toContain('ReferralMarkedIneligible');
    expect(stream.map((e) => e.type)).not.toContain('RewardEarned');
    expect(replayed(sent).rewardViews().length).toBeGreaterThan(0); // what the re-sort would pay
    const [view] = await world.queries.referralsOf('kallyai', 'alice');
    expect(view).toMatchObject({ refereeAccountId: 'bob', status: 'ineligible' });
    // The applied log lists alice's late activation after bob's signup, as it was applied.
    const applied = (await world.store.readStream(appliedStream('kallyai'))).flatMap(
      (e) => (e.data as { positions: string[] }).positions,
    );
    expect(applied).toHaveLength(4);
  }, 90_000);

  it('skips an event it cannot apply, names it, and decides the rest', async () => {
    const manager = world.manager('kallyai', WINDOW);
    await manager.start();
    // Stored before the contract refused such dates: straight into the store.
    const poisoned = event({
      type: 'account.signed_up',
      accountId: 'mallory',
      occurredAt: 'not a date',
      data: {},
    });
    await storePastTheContract(world, poisoned);
    const ancient = event({
      type: 'account.signed_up',
      accountId: 'eve',
      occurredAt: '0000-01-01T00:00:00.000Z',
      data: { referrerAccountId: 'alice' },
    });
    await storePastTheContract(world, ancient);
    await ingestRewardedReferral(world);
    await settlePastWindow(world, manager);
    expect(manager.status().state).toBe('leading');
    const reported = world.errors.map(String).join('\n');
    expect(reported).toContain(poisoned.id); // skipped, by name
    expect(reported).toContain('"refereeAccountId":"eve"'); // its view not stored, by name
    const rewards = await world.queries.rewardsOf('kallyai', 'alice');
    expect(rewards.length).toBeGreaterThan(0);
    expect(
      (await world.queries.referralsOf('kallyai', 'alice')).map((r) => r.refereeAccountId),
    ).toContain('bob');
    // And a restart replays the skip the same way.
    await manager.stop();
    const again = world.manager('kallyai', WINDOW);
    await again.start();
    await again.settle();
    expect(again.status().state).toBe('leading');
  }, 90_000);
});

describe('a process manager that cannot go on', () => {
  let world: PmWorld;
  beforeEach(async () => {
    failpoints.reset();
    world = await pmWorld();
  });
  afterEach(async () => {
    failpoints.reset();
    await world.close();
  });

  it('stops its program loudly, naming the events, and the other programs go on', async () => {
    const callrail = world.manager('callrail', WINDOW);
    const kallyai = world.manager('kallyai', WINDOW);
    await Promise.all([callrail.start(), kallyai.start()]);
    await callrail.settle();
    failpoints.arm('pm.before-append:callrail', 'throw', 1_000);
    const failing = {
      id: 'cannot-go-on',
      type: 'account.signed_up',
      program: 'callrail',
      accountId: 'stuck-account',
      occurredAt: at(3),
      data: {},
    } as BillingEvent;
    await world.ingestor.ingest(failing);
    await ingestRewardedReferral(world);
    await settlePastWindow(world, kallyai);
    for (
      const until = Date.now() + 60_000;
      Date.now() < until && callrail.status().state !== 'stopped';
    ) {
      world.advance(WINDOW); // each rebuild takes the event in again, and it waits a window again
      await callrail.wake();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const status = callrail.status();
    expect(status.state).toBe('stopped');
    expect(status.error).toContain('stopped after 5 failures in a row');
    expect(status.error).toContain('cannot-go-on (account.signed_up, stuck-account');
    expect(world.errors.map(String).join('\n')).toContain('process manager of callrail stopped');
    expect(kallyai.status().state).toBe('leading');
    expect(await world.queries.rewardsOf('kallyai', 'alice')).toHaveLength(1);
  }, 90_000);
});
