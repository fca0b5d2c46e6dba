import type { RecordedEvent } from '@referrals/event-store';
import { EventProjection, quoteIdent, SqlClient } from '@referrals/projections';
import { isRewardEvent, RewardEvent, REWARD_STREAM_PREFIX } from '../reward/reward.events';
import { Delivery, rewardNotice } from '../webhook-sender';
import { withFacts } from './reward-lifecycle.projection';

export const WEBHOOK_OUTBOX_PROJECTION = 'webhook-outbox';

/**
 * The messages upstream is owed, folded from the reward streams: a reward
 * paid (minutes and credit when paid, cash when paid out) and bonus minutes
 * that lapsed. The delivery id follows from the reward, so a message is owed
 * once however often the events are folded (a rebuild keeps what was sent).
 */
export class WebhookOutboxProjection implements EventProjection {
  readonly name = WEBHOOK_OUTBOX_PROJECTION;
  readonly streamPrefixes = [REWARD_STREAM_PREFIX];
  private readonly s: string;

  constructor(schema: string) {
    this.s = quoteIdent(schema);
  }

  async apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    const owed: (Delivery & { position: string })[] = [];
    for (const recorded of events) {
      if (!isRewardEvent(recorded)) continue;
      const delivery = deliveryOf(recorded as unknown as RewardEvent);
      if (delivery) owed.push({ ...delivery, position: recorded.globalPosition.toString() });
    }
    if (owed.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.webhook_outbox (delivery_id, program, type, data, position)
       SELECT d->>'deliveryId', d->>'program', d->>'type', d->'data', (d->>'position')::bigint
       FROM jsonb_array_elements($1::jsonb) AS d
       ON CONFLICT (delivery_id) DO NOTHING`,
      [JSON.stringify(owed)],
    );
  }
}

/** The message an event owes upstream, if any. */
export function deliveryOf(event: RewardEvent): Delivery | undefined {
  switch (event.type) {
    case 'RewardPaid':
      return rewardNotice('reward.paid', withFacts(event.data.reward, 'paid', event.data.at));
    case 'CashPaidOut':
      return rewardNotice('reward.paid', withFacts(event.data.reward, 'paid', event.data.at));
    case 'RewardExpired':
      return rewardNotice(
        'reward.expired',
        withFacts(event.data.reward, 'paid', event.data.paidAt),
      );
    default:
      return undefined;
  }
}
