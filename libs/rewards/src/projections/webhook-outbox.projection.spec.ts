import type { RewardView } from '@referrals/domain';
import type { RecordedEvent } from '@referrals/event-store';
import type { SqlClient } from '@referrals/projections';
import type { RewardCommand } from '../reward/reward.commands';
import { decideReward, evolveReward, initialRewardState } from '../reward/reward.decider';
import { RewardEvent, RewardFacts, rewardStream } from '../reward/reward.events';
import type { Delivery } from '../webhook-sender';
import { deliveryOf, owedDeliveries, WebhookOutboxProjection } from './webhook-outbox.projection';

/** Which messages a reward's events owe upstream; the events come from the reward decider itself. */

const AT = '2026-05-01T10:00:00.000Z';
const LATER = '2026-05-03T10:00:00.000Z';

const credit: RewardFacts = {
  rewardId: 'rw_credit',
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: 'x-corp',
  beneficiaryAccountId: 'agency-a',
  role: 'referrer',
  kind: 'account_credit',
  amount: 5000,
  unit: 'USD',
  earnedAt: '2026-04-01T00:00:00.000Z',
};
const cash: RewardFacts = { ...credit, rewardId: 'rw_cash', kind: 'cash', amount: 10000 };

const pay = (reward: RewardFacts): RewardCommand => ({ type: 'Pay', data: { reward, at: AT } });
const adjust = (reward: RewardFacts, amount: number, at = LATER): RewardCommand => ({
  type: 'Adjust',
  data: { earned: reward, amount, programVersion: 'v2', by: 'migrate-rules', at },
});
const ruleChangeVoid = (reward: RewardFacts): RewardCommand => ({
  type: 'Void',
  data: { rewardId: reward.rewardId, by: 'migrate-rules', reason: 'rule_change', at: LATER },
});

/** A reward's stream as the decider writes it, recorded from `globalStart` on. */
function streamOf(rewardId: string, commands: RewardCommand[], globalStart = 0n): RecordedEvent[] {
  let state = initialRewardState();
  const events: RewardEvent[] = [];
  for (const command of commands)
    for (const event of decideReward(command, state)) {
      state = evolveReward(state, event);
      events.push(event);
    }
  return events.map((event, i) => ({
    eventId: `${event.type}-${i}`,
    type: event.type,
    data: event.data,
    metadata: {},
    streamId: rewardStream(rewardId),
    streamPosition: BigInt(i),
    globalPosition: globalStart + BigInt(i),
    recordedAt: new Date(AT),
  }));
}

const owed = (events: RecordedEvent[]) => owedDeliveries(events, new Map()).map((o) => o.delivery);
const paidView = (reward: RewardFacts): RewardView => ({ ...reward, status: 'paid', paidAt: AT });

describe('deliveryOf: what a void or an adjustment owes upstream', () => {
  it('owes reward.voided for a void of a reward announced as paid, with the amount taken back', () => {
    const events = streamOf(credit.rewardId, [pay(credit), ruleChangeVoid(credit)]);
    expect(events.map((e) => e.type)).toEqual(['RewardPaid', 'RewardVoided']);
    const voided = events[1].data as RewardEvent['data'];
    const delivery = deliveryOf({ type: 'RewardVoided', data: voided } as RewardEvent, {
      paid: paidView(credit),
      streamPosition: 1n,
    });
    expect(delivery).toEqual({
      deliveryId: 'reward.voided-rw_credit',
      program: 'callrail',
      type: 'reward.voided',
      data: {
        ...paidView(credit),
        status: 'voided',
        amount: 5000,
        reason: 'rule_change',
        voidedAt: LATER,
      },
    });
  });

  it('owes nothing for a void of a reward never paid: upstream never heard of it', () => {
    const events = streamOf(credit.rewardId, [ruleChangeVoid(credit)]);
    expect(events.map((e) => e.type)).toEqual(['RewardVoided']);
    expect(deliveryOf(events[0] as unknown as RewardEvent, { streamPosition: 0n })).toBeUndefined();
    expect(owed(events)).toEqual([]);
  });

  it('owes nothing for a void of cash awaiting approval: credited in the ledger, never announced', () => {
    const events = streamOf(cash.rewardId, [pay(cash), ruleChangeVoid(cash)]);
    expect(events.map((e) => e.type)).toEqual(['RewardAwaitingApproval', 'RewardVoided']);
    expect((events[1].data as { amount: number }).amount).toBe(10000);
    expect(owed(events)).toEqual([]);
  });

  it('owes reward.adjusted for an adjustment of a paid reward, with both amounts and the difference', () => {
    const events = streamOf(credit.rewardId, [pay(credit), adjust(credit, 8000)]);
    const delivery = deliveryOf(events[1] as unknown as RewardEvent, {
      paid: paidView(credit),
      streamPosition: 1n,
    });
    expect(delivery).toEqual({
      deliveryId: 'reward.adjusted-rw_credit-1',
      program: 'callrail',
      type: 'reward.adjusted',
      data: {
        ...paidView(credit),
        amount: 8000,
        previousAmount: 5000,
        difference: 3000,
        reason: 'rule_change',
        adjustedAt: LATER,
      },
    });
  });

  it('owes nothing for an adjustment before payment: the later reward.paid carries the new amount', () => {
    const events = streamOf(credit.rewardId, [adjust(credit, 2000), pay(credit)]);
    expect(events.map((e) => e.type)).toEqual(['RewardAdjusted', 'RewardPaid']);
    expect(owed(events)).toEqual([
      expect.objectContaining({
        deliveryId: 'reward.paid-rw_credit',
        type: 'reward.paid',
        data: expect.objectContaining({ amount: 2000 }),
      }),
    ]);
  });

  it('names each of two adjustments by its stream position: two distinct deliveries', () => {
    const events = streamOf(credit.rewardId, [
      pay(credit),
      adjust(credit, 8000),
      adjust(credit, 3000, '2026-05-04T10:00:00.000Z'),
    ]);
    const adjusted = owed(events).filter((d) => d.type === 'reward.adjusted');
    expect(adjusted.map((d) => d.deliveryId)).toEqual([
      'reward.adjusted-rw_credit-1',
      'reward.adjusted-rw_credit-2',
    ]);
    expect(adjusted.map((d) => [d.data.previousAmount, d.data.amount, d.data.difference])).toEqual([
      [5000, 8000, 3000],
      [8000, 3000, -5000],
    ]);
  });

  it('follows a reward through its stream: paid, adjusted, voided at the adjusted amount', () => {
    const events = streamOf(credit.rewardId, [
      pay(credit),
      adjust(credit, 8000),
      ruleChangeVoid(credit),
      adjust(credit, 9000), // voided: the decider changes nothing more
    ]);
    const deliveries = owed(events);
    expect(deliveries.map((d) => d.deliveryId)).toEqual([
      'reward.paid-rw_credit',
      'reward.adjusted-rw_credit-1',
      'reward.voided-rw_credit',
    ]);
    expect(deliveries[2].data).toMatchObject({ status: 'voided', amount: 8000 });
  });

  it('owes nothing for a void after the minutes lapsed (reward.expired told upstream)', () => {
    const minutes: RewardFacts = {
      ...credit,
      kind: 'bonus_minutes',
      unit: 'minutes',
      amount: 90,
      expiresAt: '2026-05-02T00:00:00.000Z',
    };
    const expired = streamOf(minutes.rewardId, [
      pay(minutes),
      { type: 'Expire', data: { rewardId: minutes.rewardId, at: '2026-05-02T00:00:00.000Z' } },
    ]);
    expect(expired.map((e) => e.type)).toEqual(['RewardPaid', 'RewardExpired']);
    // A void recorded after an expiry (one the decider refuses to write) is no news either.
    const lateVoid: RecordedEvent = {
      ...expired[1],
      type: 'RewardVoided',
      data: { rewardId: minutes.rewardId, by: 'x', reason: 'rule_change', amount: 90, at: LATER },
      streamPosition: 2n,
      globalPosition: 2n,
    };
    expect(owed([...expired, lateVoid]).map((d) => d.type)).toEqual([
      'reward.paid',
      'reward.expired',
    ]);
  });
});

/**
 * A stand-in for the outbox table inside the projection's transaction: rows
 * keyed by delivery id, the lookup and the insert the projection issues.
 */
function outboxTable() {
  const rows = new Map<string, Delivery & { position: bigint }>();
  const tx: SqlClient = {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      if (text.trim().startsWith('SELECT')) {
        const [ids, before] = params as [string[], string];
        return ids
          .map((id) => rows.get(id))
          .filter((r) => r !== undefined && r.position < BigInt(before))
          .map((r) => ({ type: r!.type, data: JSON.stringify(r!.data) }) as R);
      }
      for (const d of JSON.parse(params[0] as string) as (Delivery & { position: string })[])
        if (!rows.has(d.deliveryId)) rows.set(d.deliveryId, { ...d, position: BigInt(d.position) });
      return [];
    },
  };
  return { rows, tx };
}

describe('the webhook outbox projection', () => {
  const other: RewardFacts = { ...credit, rewardId: 'rw_other' };
  const history = () => [
    ...streamOf(
      credit.rewardId,
      [pay(credit), adjust(credit, 8000), adjust(credit, 6000), ruleChangeVoid(credit)],
      0n,
    ),
    ...streamOf(other.rewardId, [adjust(other, 1), ruleChangeVoid(other)], 10n), // never paid
  ];

  it('owes each message once, however the events are batched and however often they are folded', async () => {
    const events = history();
    const { rows, tx } = outboxTable();
    const projection = new WebhookOutboxProjection('s');
    for (const event of events) await projection.apply(tx, [event]); // one event a batch
    const once = [...rows.keys()];
    expect(once).toEqual([
      'reward.paid-rw_credit',
      'reward.adjusted-rw_credit-1',
      'reward.adjusted-rw_credit-2',
      'reward.voided-rw_credit',
    ]);
    expect(rows.get('reward.voided-rw_credit')).toMatchObject({ data: { amount: 6000 } });

    await projection.apply(tx, events); // a rebuild: the same events, one batch
    await projection.apply(tx, events);
    expect([...rows.keys()]).toEqual(once);

    const fresh = outboxTable(); // folded in one batch from the start: the same messages
    await projection.apply(fresh.tx, events);
    expect([...fresh.rows.values()]).toEqual([...rows.values()]);
  });
});
