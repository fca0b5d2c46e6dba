import type { Job } from 'bullmq';
import type { RewardView } from '@referrals/domain';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

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

/** The delivery that tells upstream of a reward paid or expired; the same reward always gets the same id. */
export const rewardNotice = (type: Delivery['type'], view: RewardView): Delivery => ({
  deliveryId: `${type}-${view.rewardId}`,
  program: view.program,
  type,
  data: { ...view },
});

/**
 * POSTs one delivery to its program's endpoint, signed over timestamp and
 * body, with the delivery id as `Idempotency-Key`. A non-2xx answer or a
 * network error throws, so the queue retries it.
 */
export class WebhookSender {
  constructor(
    private readonly endpoints: Readonly<Record<string, WebhookEndpoint>>,
    private readonly clock: () => number = Date.now,
  ) {}

  hasEndpoint(program: string): boolean {
    return this.endpoints[program] !== undefined;
  }

  async send(delivery: Delivery): Promise<void> {
    const endpoint = this.endpoints[delivery.program];
    if (!endpoint) return;
    const body = JSON.stringify({
      id: delivery.deliveryId,
      type: delivery.type,
      program: delivery.program,
      data: delivery.data,
    });
    const now = Math.floor(this.clock() / 1000);
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
}

/**
 * What a deliveries worker does with a job, whichever host runs it;
 * `onDelivered` marks the outbox row (a crash before it is caught by the sweep).
 */
export const deliveryJobHandler =
  (sender: WebhookSender, onDelivered?: (deliveryId: string) => Promise<void>) =>
  async (job: Job<Delivery>): Promise<void> => {
    await sender.send(job.data);
    await onDelivered?.(job.data.deliveryId);
  };
