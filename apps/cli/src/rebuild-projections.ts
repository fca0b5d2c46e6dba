import { SingleBar } from 'cli-progress';
import { ReferralEngine } from '@referrals/domain';
import { PROCESS_MANAGER } from '@referrals/process-manager';
import { createRuntime, loadConfig } from '@referrals/runtime';
import { timeOrdered } from './replay/time-ordered';
import { storeHistory } from './store-history';

/**
 * `referrals rebuild-projections`: empties the referrer views and writes them
 * again from the event store, up to where the process manager has decided
 * (its checkpoint stays where it was; it carries on from there).
 */
export async function rebuildProjections(): Promise<string> {
  const runtime = await createRuntime(loadConfig());
  try {
    const upTo = (await runtime.readModel.checkpoint(PROCESS_MANAGER)) ?? -1n;
    const bar = process.stderr.isTTY
      ? new SingleBar({ stream: process.stderr, format: 'rebuilding {bar} {value}/{total} events' })
      : undefined;
    bar?.start(Number(upTo) + 1, 0);
    const engine = new ReferralEngine(runtime.programs);
    let events = 0;
    const history = storeHistory(runtime.store, {
      upTo,
      onBatch: (p) => bar?.update(Number(p) + 1),
    });
    for await (const { event } of timeOrdered(history)) {
      engine.apply(event);
      events++;
    }
    bar?.stop();
    const referrals = engine.referralViews();
    const rewards = engine.rewardViews();
    await runtime.readModel.truncate();
    for (let i = 0; i < Math.max(referrals.length, rewards.length); i += 1000) {
      await runtime.readModel.write({
        referrals: referrals.slice(i, i + 1000),
        rewards: rewards.slice(i, i + 1000),
      });
    }
    if (upTo >= 0n)
      await runtime.readModel.write({
        referrals: [],
        rewards: [],
        checkpoint: { name: PROCESS_MANAGER, position: upTo },
      });
    return `rebuilt the read models from ${events} events: ${referrals.length} referrals, ${rewards.length} rewards`;
  } finally {
    await runtime.close();
  }
}
