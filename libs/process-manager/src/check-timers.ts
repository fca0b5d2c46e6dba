import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export const TIMER_QUEUE = 'timers';

export interface DueCheck {
  readonly timerId: string;
  readonly dueAt: string;
}

/**
 * A delayed BullMQ job per scheduled check (the third-month check), its id
 * the timer's. The job decides nothing: it only wakes the process manager,
 * which fires the check through the same engine as everything else. The
 * check itself is an event in the referral's stream, so a Redis that lost
 * the job loses nothing: the process manager re-derives its checks from the
 * history at start-up, and its wall-clock sweep fires them when quiet.
 */
export class CheckTimers {
  private readonly queue: Queue;

  constructor(
    private readonly options: {
      connection: Redis;
      prefix?: string;
      clock?: () => number;
      onError?: (e: unknown) => void;
    },
  ) {
    this.queue = new Queue(TIMER_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
        attempts: 5,
      },
    });
  }

  async schedule(checks: readonly DueCheck[]): Promise<void> {
    if (checks.length === 0) return;
    const now = (this.options.clock ?? Date.now)();
    await this.queue.addBulk(
      checks.map((check) => ({
        name: 'check',
        data: check,
        opts: { jobId: check.timerId, delay: Math.max(0, Date.parse(check.dueAt) - now) },
      })),
    );
  }

  work(wake: () => Promise<void>): Worker {
    const worker = new Worker(TIMER_QUEUE, () => wake(), {
      connection: this.options.connection,
      prefix: this.options.prefix,
    });
    worker.on('error', (error) => this.options.onError?.(error));
    return worker;
  }

  get raw(): Queue {
    return this.queue;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
