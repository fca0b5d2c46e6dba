import type { RewardView } from '@referrals/domain';
import type { RecordedEvent } from '@referrals/event-store';
import { EventProjection, quoteIdent, SqlClient } from '@referrals/projections';
import { isRewardEvent, RewardEvent, REWARD_STREAM_PREFIX } from '../reward/reward.events';
import { Delivery, rewardNotice } from '../webhook-sender';
import { withFacts } from './reward-lifecycle.projection';

export const WEBHOOK_OUTBOX_PROJECTION = 'webhook-outbox';

/**
 * Rewards upstream was told were paid and still holds, each with the view its
 * `reward.paid` carried: a void or an adjustment of one of them is news
 * upstream must hear; of any other reward it is not (upstream never heard of
 * it, or the later `reward.paid` carries the amount as adjusted).
 */
export type PaidNotices = Map<string, RewardView>;

export interface DeliveryContext {
  /** The reward as its `reward.paid` told upstream, if that was owed and nothing closed it since. */
  readonly paid?: RewardView;
  /** The event's position in the reward's stream: names an adjustment, of which there may be several. */
  readonly streamPosition: bigint;
}

/**
 * The messages upstream is owed, folded from the reward streams: a reward
 * paid (minutes and credit when paid, cash when paid out), bonus minutes
 * that lapsed, and a void or an adjustment of a reward already announced as
 * paid. Each delivery id follows from its event, so a message is owed once
 * however often the events are folded (a rebuild keeps what was sent).
 *
 * Whether a reward was announced is read from the outbox itself, as it stood
 * before the batch (rows owed by earlier events), then followed through the
 * batch: the same events always owe the same messages.
 */
export class WebhookOutboxProjection implements EventProjection {
  readonly name = WEBHOOK_OUTBOX_PROJECTION;
  readonly streamPrefixes = [REWARD_STREAM_PREFIX];
  private readonly s: string;

  constructor(schema: string) {
    this.s = quoteIdent(schema);
  }

  async apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    const rewardEvents = events.filter(isRewardEvent);
    if (rewardEvents.length === 0) return;
    const paid = await this.paidBefore(tx, rewardEvents);
    const owed = owedDeliveries(rewardEvents, paid).map(({ delivery, position }) => ({
      ...delivery,
      position: position.toString(),
    }));
    if (owed.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.webhook_outbox (delivery_id, program, type, data, position)
       SELECT d->>'deliveryId', d->>'program', d->>'type', d->'data', (d->>'position')::bigint
       FROM jsonb_array_elements($1::jsonb) AS d
       ON CONFLICT (delivery_id) DO NOTHING`,
      [JSON.stringify(owed)],
    );
  }

  /**
   * The announced rewards among those the batch voids or adjusts, as the
   * events before the batch left them: a `reward.paid` owed, no void or expiry
   * since. Looked up by delivery id (the primary key).
   */
  private async paidBefore(tx: SqlClient, events: readonly RecordedEvent[]): Promise<PaidNotices> {
    const corrected = [
      ...new Set(
        events
          .filter((e) => e.type === 'RewardVoided' || e.type === 'RewardAdjusted')
          .map((e) => (e.data as { rewardId: string }).rewardId),
      ),
    ];
    const paid: PaidNotices = new Map();
    if (corrected.length === 0) return paid;
    const rows = await tx.query<{ type: string; data: RewardView | string }>(
      `SELECT type, data FROM ${this.s}.webhook_outbox
       WHERE delivery_id = ANY($1::text[]) AND position < $2::bigint`,
      [
        corrected.flatMap((id) => [
          `reward.paid-${id}`,
          `reward.voided-${id}`,
          `reward.expired-${id}`,
        ]),
        events[0].globalPosition.toString(),
      ],
    );
    const closed = new Set<string>();
    for (const row of rows) {
      const view = typeof row.data === 'string' ? (JSON.parse(row.data) as RewardView) : row.data;
      if (row.type === 'reward.paid') paid.set(view.rewardId, view);
      else closed.add(view.rewardId);
    }
    for (const id of closed) paid.delete(id);
    return paid;
  }
}

/**
 * The messages a run of reward events owes, in order, given the rewards
 * announced before it (`paid`, updated as the events go: a payment announces,
 * a void or an expiry closes).
 */
export function owedDeliveries(
  events: readonly RecordedEvent[],
  paid: PaidNotices,
): { delivery: Delivery; position: bigint }[] {
  const owed: { delivery: Delivery; position: bigint }[] = [];
  for (const recorded of events) {
    if (!isRewardEvent(recorded)) continue;
    const event = recorded as unknown as RewardEvent;
    const { rewardId } = event.data;
    const delivery = deliveryOf(event, {
      paid: paid.get(rewardId),
      streamPosition: recorded.streamPosition,
    });
    if (delivery) owed.push({ delivery, position: recorded.globalPosition });
    if (delivery?.type === 'reward.paid')
      paid.set(rewardId, delivery.data as unknown as RewardView);
    if (event.type === 'RewardVoided' || event.type === 'RewardExpired') paid.delete(rewardId);
  }
  return owed;
}

/** The message an event owes upstream, if any. */
export function deliveryOf(event: RewardEvent, context: DeliveryContext): Delivery | undefined {
  const { paid } = context;
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
    case 'RewardVoided': {
      if (!paid) return undefined; // never announced: upstream has nothing to take back
      const { amount, reason, at } = event.data;
      // `amount` is what the void takes back: the reward's amount after any adjustment.
      return rewardNotice(
        'reward.voided',
        { ...paid, status: 'voided', amount },
        {
          reason,
          voidedAt: at,
        },
      );
    }
    case 'RewardAdjusted': {
      if (!paid) return undefined; // not paid yet: its `reward.paid` will carry the new amount
      const { reward, previousAmount, reason, at } = event.data;
      return rewardNotice(
        'reward.adjusted',
        withFacts(reward, 'paid', paid.paidAt ?? at),
        { previousAmount, difference: reward.amount - previousAmount, reason, adjustedAt: at },
        context.streamPosition,
      );
    }
    default:
      return undefined;
  }
}
