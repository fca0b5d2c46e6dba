import type { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { CheckTimers, ReferralProcessManager } from '@referrals/process-manager';
import { Deliveries, Delivery, PayoutQueue } from '@referrals/rewards';
import type { AppConfig } from './config';
import type { Runtime } from './runtime';

export interface RunningWorker {
  readonly processManager: ReferralProcessManager;
  readonly payouts: PayoutQueue;
  readonly deliveries: Deliveries;
  /** Waits until decisions are taken and the payouts queued so far are done. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Fails fast, in one line, when no Redis answers: the payout queue cannot run without one. */
export async function connectRedis(url: string): Promise<IORedis> {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  // ioredis reports a refused connection as an event too; the rejection below says it once.
  const remember = (error: Error) => (lastError = error);
  redis.on('error', remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `no Redis answers at ${url} (${(lastError ?? (error as Error)).message}); start one with \`docker compose up -d redis\` or your OS package (redis-server), or set REDIS_URL`,
    );
  }
  redis.off('error', remember);
  // From here on, reconnect as usual after a drop.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5_000);
  return redis;
}

/**
 * The worker's parts: the referral process manager, the payout queue and
 * its worker, and a sweep that re-enqueues unpaid rewards at start-up and
 * every minute, so a Redis that lost its data loses nothing.
 */
export async function startWorker(
  config: AppConfig,
  runtime: Runtime,
  options: {
    redis?: IORedis;
    clock?: () => number;
    onError?: (error: unknown) => void;
    sweepMs?: number;
  } = {},
): Promise<RunningWorker> {
  const redis = options.redis ?? (await connectRedis(config.REDIS_URL));
  const clock = options.clock ?? Date.now;
  const payout = runtime.payout;
  const payouts = new PayoutQueue({
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    onError: options.onError,
  });
  const timers = new CheckTimers({
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    clock,
    onError: options.onError,
  });
  const processManager = new ReferralProcessManager({
    store: runtime.store,
    programs: runtime.programs,
    readModel: runtime.readModel,
    clock,
    reorderWindowMs: config.REORDER_WINDOW,
    onError: options.onError,
    onRewardsEarned: (ids) => payouts.enqueue(ids),
    onChecksScheduled: (checks) => timers.schedule(checks),
  });
  await processManager.start();
  const deliveries = new Deliveries({
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    endpoints: config.WEBHOOKS,
    onError: options.onError,
  });
  const tell = async (type: Delivery['type'], rewardIds: readonly string[]) => {
    const views = await Promise.all(rewardIds.map((id) => payout.view(id)));
    await deliveries.enqueue(
      views.flatMap((view) =>
        view && (type === 'reward.expired' || view.status === 'paid')
          ? [
              {
                deliveryId: `${type}-${view.rewardId}`,
                program: view.program,
                type,
                data: { ...view },
              },
            ]
          : [],
      ),
    );
  };
  const worker: Worker = payouts.work(payout, (id) => tell('reward.paid', [id]));
  const deliveryWorker: Worker = deliveries.work();
  const timerWorker: Worker = timers.work(() => processManager.wake());
  const sweep = () =>
    Promise.all([
      payouts.sweep(payout),
      payout.expireDue(new Date(clock())).then((ids) => tell('reward.expired', ids)),
    ]).catch((e) => options.onError?.(e));
  await sweep();
  const timer = setInterval(() => void sweep(), options.sweepMs ?? 60_000);
  return {
    processManager,
    payouts,
    deliveries,
    async settle() {
      await processManager.settle();
      for (let i = 0; i < 200; i++) {
        const counts = await payouts.raw.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
        );
        if (Object.values(counts).every((n) => n === 0) && (await payout.unpaid(1)).length === 0)
          return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      clearInterval(timer);
      await processManager.stop();
      await worker.close();
      await timerWorker.close();
      await deliveryWorker.close();
      await deliveries.close();
      await payouts.close();
      await timers.close();
      await redis.quit();
    },
  };
}
