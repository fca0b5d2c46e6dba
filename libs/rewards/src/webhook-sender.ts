import type { Job } from 'bullmq';
import type { RewardView } from '@referrals/domain';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export interface WebhookEndpoint {
  readonly url: string;
  readonly secret: string;
}

/**
 * What upstream billing systems are told: a reward to apply, bonus minutes
 * that lapsed, or a correction of a reward they were told was paid (voided:
 * take it back; adjusted: it is now worth another amount).
 */
export type DeliveryType = 'reward.paid' | 'reward.expired' | 'reward.voided' | 'reward.adjusted';

export interface Delivery {
  readonly deliveryId: string;
  readonly program: string;
  readonly type: DeliveryType;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The delivery that tells upstream of a reward: its view, with what the
 * message adds (`details`). The same reward always gets the same id for a
 * type that happens once in its life; `occurrence` (the event's position in
 * the reward's stream) names one of several, such as adjustments.
 */
export const rewardNotice = (
  type: DeliveryType,
  view: RewardView,
  details: Readonly<Record<string, unknown>> = {},
  occurrence?: bigint,
): Delivery => ({
  deliveryId:
    occurrence === undefined
      ? `${type}-${view.rewardId}`
      : `${type}-${view.rewardId}-${occurrence}`,
  program: view.program,
  type,
  data: { ...view, ...details },
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
    return this.endpointOf(program) !== undefined;
  }

  /** Own keys only: a program named `constructor` has no endpoint unless one is set for it. */
  private endpointOf(program: string): WebhookEndpoint | undefined {
    return Object.hasOwn(this.endpoints, program) ? this.endpoints[program] : undefined;
  }

  async send(delivery: Delivery): Promise<void> {
    const endpoint = this.endpointOf(delivery.program);
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
