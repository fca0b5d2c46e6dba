import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export const DELIVERY_QUEUE = 'deliveries';

export interface WebhookEndpoint {
  readonly url: string;
  readonly secret: string;
}

/** What upstream billing systems are told: a reward to apply, or bonus minutes that lapsed. */
export interface Delivery {
  readonly deliveryId: string;
  readonly program: string;
  readonly type: 'reward.paid' | 'reward.expired';
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Signed webhooks to each program's endpoint, one job per delivery (its id
 * the delivery's, also sent as `Idempotency-Key`). A non-2xx answer or a
 * network error is retried with exponential backoff; after the last attempt
 * the job stays failed: the dead letters an admin can list and retry.
 */
export class Deliveries {
  private readonly queue: Queue;

  constructor(
    private readonly options: {
      connection: Redis;
      prefix?: string;
      endpoints: Readonly<Record<string, WebhookEndpoint>>;
      attempts?: number;
      backoffMs?: number;
      clock?: () => number;
      onError?: (e: unknown) => void;
    },
  ) {
    this.queue = new Queue(DELIVERY_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: options.attempts ?? 8,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: false,
      },
    });
  }

  /** Queues deliveries for programs that have an endpoint; others have nobody to tell. */
  async enqueue(deliveries: readonly Delivery[]): Promise<void> {
    const wanted = deliveries.filter((d) => this.options.endpoints[d.program]);
    if (wanted.length === 0) return;
    await this.queue.addBulk(
      wanted.map((d) => ({ name: d.type, data: d, opts: { jobId: d.deliveryId } })),
    );
  }

  work(): Worker {
    const worker = new Worker(DELIVERY_QUEUE, (job: Job<Delivery>) => this.deliver(job.data), {
      connection: this.options.connection,
      prefix: this.options.prefix,
      concurrency: 20,
    });
    worker.on('error', (error) => this.options.onError?.(error));
    return worker;
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const endpoint = this.options.endpoints[delivery.program];
    if (!endpoint) return;
    const body = JSON.stringify({
      id: delivery.deliveryId,
      type: delivery.type,
      program: delivery.program,
      data: delivery.data,
    });
    const now = Math.floor((this.options.clock ?? Date.now)() / 1000);
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': delivery.deliveryId,
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, body, now),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${endpoint.url} answered ${response.status}`);
  }

  /** Deliveries that used up their attempts. */
  async dead(): Promise<
    { deliveryId: string; type: string; program: string; attempts: number; error: string }[]
  > {
    const jobs = await this.queue.getFailed(0, 999);
    return jobs.map((job) => ({
      deliveryId: job.id as string,
      type: job.name,
      program: (job.data as Delivery).program,
      attempts: job.attemptsMade,
      error: job.failedReason,
    }));
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

  close(): Promise<void> {
    return this.queue.close();
  }
}
