import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  DELIVERY_QUEUE,
  Delivery,
  deliveryJobHandler,
  WebhookOutbox,
  WebhookSender,
} from '@referrals/rewards';
import { WORKER_LOCKS, WORKER_SETTINGS, WorkerSettings, WORKER_METRICS } from '../worker.tokens';

/**
 * Sends signed webhooks to upstream and marks their outbox rows delivered; a
 * failure is retried with backoff, then kept as a dead letter.
 */
@Processor(DELIVERY_QUEUE, { concurrency: 20, metrics: WORKER_METRICS, ...WORKER_LOCKS })
export class DeliveryProcessor extends WorkerHost {
  private readonly handle: (job: Job<Delivery>) => Promise<void>;

  constructor(
    @Inject(WebhookSender) sender: WebhookSender,
    @Inject(WebhookOutbox) outbox: WebhookOutbox,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {
    super();
    this.handle = deliveryJobHandler(sender, (id) => outbox.markDelivered(id));
  }

  process(job: Job<Delivery>): Promise<void> {
    return this.handle(job);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.settings.onError(error);
  }
}
