import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { TIMER_QUEUE } from '@referrals/process-manager';
import { DELIVERY_QUEUE, Deliveries, PAYOUT_QUEUE } from '@referrals/rewards';
import { AppConfig, webhookRetries } from '@referrals/runtime';
import { CONFIG } from './tokens';

/** What the admin API sees of the queues: dead deliveries to retry, and counts for metrics. */
@Injectable()
export class QueueAdmin {
  readonly deliveries: Deliveries;
  private readonly queues: Queue[];

  constructor(
    @Inject(CONFIG) config: AppConfig,
    @InjectQueue(PAYOUT_QUEUE) payouts: Queue,
    @InjectQueue(TIMER_QUEUE) timers: Queue,
    @InjectQueue(DELIVERY_QUEUE) deliveries: Queue,
  ) {
    this.deliveries = new Deliveries(deliveries, config.WEBHOOKS, webhookRetries(config));
    this.queues = [payouts, timers, deliveries];
  }

  /**
   * Per queue: jobs in each state now (done payouts and timers are removed at
   * once, so their `completed` stays near 0), and `completedTotal`, the jobs
   * the workers have completed since the queue began counting.
   */
  async metrics(): Promise<Record<string, Record<string, number>>> {
    const counts = await Promise.all(
      this.queues.map(async (q) => {
        const [states, completed] = await Promise.all([
          q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
          q.getMetrics('completed'),
        ]);
        return [q.name, { ...states, completedTotal: completed.meta.count }] as const;
      }),
    );
    return Object.fromEntries(counts);
  }
}
