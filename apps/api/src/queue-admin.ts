import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DELIVERY_QUEUE, Deliveries, PAYOUT_QUEUE } from '@referrals/rewards';
import { TIMER_QUEUE } from '@referrals/process-manager';
import type { AppConfig } from '@referrals/runtime';

/** What the admin API sees of the queues: dead deliveries to retry, and counts for metrics. */
export class QueueAdmin {
  readonly deliveries: Deliveries;
  private readonly queues: Queue[];

  constructor(connection: Redis, config: AppConfig) {
    this.deliveries = new Deliveries({
      connection,
      prefix: config.QUEUE_PREFIX,
      endpoints: config.WEBHOOKS,
    });
    this.queues = [PAYOUT_QUEUE, TIMER_QUEUE].map(
      (name) => new Queue(name, { connection, prefix: config.QUEUE_PREFIX }),
    );
  }

  async metrics(): Promise<Record<string, Record<string, number>>> {
    const counts = await Promise.all(
      this.queues.map(
        async (q) =>
          [
            q.name,
            await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
          ] as const,
      ),
    );
    return { ...Object.fromEntries(counts), [DELIVERY_QUEUE]: await this.deliveries.counts() };
  }

  async close(): Promise<void> {
    await this.deliveries.close();
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
