import { SingleBar } from 'cli-progress';
import { ReferralEngine, ReferralView, RewardView } from '@referrals/domain';
import type { EventStore, RecordedEvent } from '@referrals/event-store';
import { REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { processManagerCheckpoint } from '@referrals/process-manager';
import { evolveRewardView, PayoutEvent, REWARD_STREAM_PREFIX } from '@referrals/rewards';
import { createRuntime, loadConfig } from '@referrals/runtime';
import { timeOrdered } from './replay/time-ordered';
import { storeHistory } from './store-history';

/**
 * `referrals rebuild-projections`: writes the referrer views again from the
 * event store, each program up to where its process manager has decided (the
 * checkpoints stay; the managers carry on from there). Checks fire up to the
 * last one the live system fired, and each reward's payout status comes from
 * its own stream, so a paid reward is never shown, or paid, as earned again.
 * Run it with the workers stopped.
 */
export async function rebuildProjections(): Promise<string> {
  const runtime = await createRuntime(loadConfig());
  try {
    const upTo = new Map<string, bigint>();
    for (const { id } of runtime.programs.all()) {
      const checkpoint = await runtime.readModel.checkpoint(processManagerCheckpoint(id));
      if (checkpoint !== undefined) upTo.set(id, checkpoint);
    }
    const last = [...upTo.values()].reduce((max, p) => (p > max ? p : max), -1n);
    const bar = process.stderr.isTTY
      ? new SingleBar({ stream: process.stderr, format: 'rebuilding {bar} {value}/{total} events' })
      : undefined;
    bar?.start(Number(last) + 1, 0);
    // One engine per program: each fires its own checks up to its own horizon.
    const engines = new Map<string, ReferralEngine>();
    let events = 0;
    const history = storeHistory(runtime.store, {
      upTo: last,
      onBatch: (p) => bar?.update(Number(p) + 1),
    });
    for await (const { event, seq } of timeOrdered(history)) {
      if (BigInt(seq) > (upTo.get(event.program) ?? -1n)) continue;
      let engine = engines.get(event.program);
      if (!engine) engines.set(event.program, (engine = new ReferralEngine(runtime.programs)));
      engine.apply(event);
      events++;
    }
    bar?.stop();
    for (const [program, horizon] of await firedCheckHorizons(runtime.store))
      engines.get(program)?.advanceTo(horizon);
    const referrals: ReferralView[] = [];
    const earned: RewardView[] = [];
    for (const engine of engines.values()) {
      referrals.push(...engine.referralViews());
      earned.push(...engine.rewardViews());
    }
    const rewards = await withPayoutStatus(runtime.store, earned);
    await runtime.readModel.replaceViews(referrals, rewards);
    return `rebuilt the read models from ${events} events: ${referrals.length} referrals, ${rewards.length} rewards`;
  } finally {
    await runtime.close();
  }
}

/** Every event of the streams under a prefix, in store order. */
async function* streamsUnder(store: EventStore, prefix: string): AsyncGenerator<RecordedEvent> {
  for (let after = -1n; ;) {
    const batch = await store.readAll({ after, maxCount: 5000, streamPrefixes: [prefix] });
    if (batch.length === 0) return;
    yield* batch;
    after = batch[batch.length - 1].globalPosition;
  }
}

/**
 * Per program, the due time of the latest check the live system fired: a
 * decision (reward or forfeit) of a scheduled trigger is in its referral's
 * stream. Checks fire in due order, so every check due before it fired too.
 */
async function firedCheckHorizons(store: EventStore): Promise<Map<string, number>> {
  const scheduled = new Map<string, number>();
  const horizons = new Map<string, number>();
  for await (const { type, data } of streamsUnder(store, REFERRAL_STREAM_PREFIX)) {
    const { referralId, triggerId, dueAt } = data as Record<string, string>;
    const key = `${referralId}\u0000${triggerId}`;
    if (type === 'CheckScheduled') scheduled.set(key, Date.parse(dueAt));
    else if ((type === 'RewardEarned' || type === 'ReferralForfeited') && scheduled.has(key)) {
      const program = referralId.slice(0, referralId.indexOf(':'));
      horizons.set(program, Math.max(horizons.get(program) ?? -Infinity, scheduled.get(key)!));
    }
  }
  return horizons;
}

/** The rewards with the payout status their own streams record. */
async function withPayoutStatus(
  store: EventStore,
  rewards: readonly RewardView[],
): Promise<RewardView[]> {
  const byId = new Map(rewards.map((r) => [r.rewardId, r]));
  for await (const event of streamsUnder(store, REWARD_STREAM_PREFIX)) {
    const rewardId = (event.data as { rewardId: string }).rewardId;
    const view = byId.get(rewardId);
    if (view) byId.set(rewardId, evolveRewardView(view, event as unknown as PayoutEvent));
  }
  return [...byId.values()];
}
