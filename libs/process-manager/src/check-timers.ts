import type { JobsOptions, Queue } from 'bullmq';

export const TIMER_QUEUE = 'timers';

export interface DueCheck {
  readonly timerId: string;
  readonly dueAt: string;
}

const TIMER_JOB_OPTIONS: JobsOptions = {
  // A timer waiting in the queue is one job however often it is scheduled again (a
  // restart re-derives them); once it has woken the manager it goes, so a check
  // scheduled anew (a new database on the same Redis) gets its job.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400 },
  attempts: 5,
};

/**
 * A delayed BullMQ job per scheduled check (the third-month check), its id
 * the timer's. The job decides nothing: it only wakes the process manager,
 * which fires the check through the same engine as everything else. The
 * check itself is an event in the referral's stream, so a Redis that lost
 * the job loses nothing: the process manager re-derives its checks from the
 * history at start-up, and its wall-clock sweep fires them when quiet.
 */
export class CheckTimers {
  constructor(
    private readonly queue: Queue,
    private readonly clock: () => number = Date.now,
  ) {}

  async schedule(checks: readonly DueCheck[]): Promise<void> {
    if (checks.length === 0) return;
    const now = this.clock();
    await this.queue.addBulk(
      checks.map((check) => ({
        name: 'check',
        data: check,
        opts: {
          ...TIMER_JOB_OPTIONS,
          jobId: check.timerId,
          delay: Math.max(0, Date.parse(check.dueAt) - now),
        },
      })),
    );
  }

  get raw(): Queue {
    return this.queue;
  }
}
