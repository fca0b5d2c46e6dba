import type { JobsOptions, Queue } from 'bullmq';
import type { Delivery, WebhookEndpoint } from './webhook-sender';

export const DELIVERY_QUEUE = 'deliveries';

/** BullMQ's reason for a job that stalled more than `maxStalledCount` times. */
const STALLED = /stalled more than allowable limit/;

export interface DeliveryRetries {
  /** Tries before a delivery becomes a dead letter (default 8). */
  readonly attempts?: number;
  /** First retry after this long, doubling each time (default 1 s). */
  readonly backoffMs?: number;
}

/** A dead letter: a delivery that used up its attempts. */
export interface DeadDelivery {
  readonly deliveryId: string;
  readonly type: string;
  readonly program: string;
  readonly attempts: number;
  readonly error: string;
}

/**
 * The queue of signed webhooks to each program's endpoint, one job per
 * delivery (its id the delivery's, also sent as `Idempotency-Key`). Failures
 * are retried with exponential backoff; after the last attempt the job stays
 * failed: the dead letters an admin can list and retry.
 */
export class Deliveries {
  private readonly jobOptions: JobsOptions;

  constructor(
    private readonly queue: Queue,
    private readonly endpoints: Readonly<Record<string, WebhookEndpoint>>,
    retries: DeliveryRetries = {},
  ) {
    this.jobOptions = {
      attempts: retries.attempts ?? 8,
      backoff: { type: 'exponential', delay: retries.backoffMs ?? 1_000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: false,
    };
  }

  hasEndpoint(program: string): boolean {
    return Object.hasOwn(this.endpoints, program);
  }

  /** Queues deliveries for programs that have an endpoint; others have nobody to tell. */
  async enqueue(deliveries: readonly Delivery[]): Promise<void> {
    const wanted = deliveries.filter((d) => this.hasEndpoint(d.program));
    if (wanted.length === 0) return;
    await this.queue.addBulk(
      wanted.map((d) => ({
        name: d.type,
        data: d,
        opts: { ...this.jobOptions, jobId: d.deliveryId },
      })),
    );
  }

  /** Deliveries that used up their attempts. */
  async dead(): Promise<DeadDelivery[]> {
    const jobs = await this.queue.getFailed(0, 999);
    return jobs.map((job) => ({
      deliveryId: job.id as string,
      type: job.name,
      program: (job.data as Delivery).program,
      attempts: job.attemptsMade,
      error: job.failedReason,
    }));
  }

  /**
   * Sends a delivery again that failed by stalling (its worker was killed or
   * hung past its lock, `maxStalledCount` times), not by the receiver's
   * answers: no receiver ever said no to it, so no admin needs to decide.
   * False when it is not such a failed delivery.
   */
  async retryIfStalled(deliveryId: string): Promise<boolean> {
    const job = await this.queue.getJob(deliveryId);
    if (!job || !STALLED.test(job.failedReason ?? '') || !(await job.isFailed())) return false;
    await job.retry('failed');
    return true;
  }

  /** Sends a dead delivery again; false when there is no such failed delivery. */
  async retry(deliveryId: string): Promise<boolean> {
    const job = await this.queue.getJob(deliveryId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed');
    return true;
  }

  /** Counts per state, for metrics. */
  counts() {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  get raw(): Queue {
    return this.queue;
  }
}
