import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { quoteIdent, SqlClient } from '@referrals/event-store';

/** What a run under faults ended with, against what the stored history says it should have. */
export interface MoneyAudit {
  readonly eventsAcknowledged: number;
  readonly eventsStored: number;
  readonly eventsLost: number;
  readonly rewardsDecided: number;
  readonly rewardsDecidedByReplay: number;
  readonly rewardsDecidedTwice: number;
  readonly rewardsPaid: number;
  readonly rewardsPaidTwice: number;
  /** Decided and neither paid nor waiting for an admin's approval (cash). */
  readonly rewardsStuck: number;
  readonly webhooksOwed: number;
  readonly webhooksDelivered: number;
  /** Per kind and unit: the ledger's credits beside the replay's rewards. */
  readonly money: Record<string, { ledger: number; replay: number }>;
}

const key = (program: string, id: string) => `${program}\u0000${id}`;

/**
 * Reads the run's outcome through what anyone outside the engine can see:
 * the event tables (account, referral and reward streams), the ledger and
 * the webhook outbox, and compares it with the domain engine's replay of
 * the stored history (in event time, the clock at `now`).
 */
export async function auditMoney(
  db: SqlClient,
  schema: string,
  options: { acknowledged: ReadonlySet<string>; webhooksDelivered: number; now: number },
): Promise<MoneyAudit> {
  const s = quoteIdent(schema);
  const stored = await db.query<{ data: BillingEvent }>(
    `SELECT data FROM ${s}.events WHERE stream_id LIKE 'account:%' ORDER BY global_position`,
  );
  const storedKeys = new Set(stored.map(({ data }) => key(data.program, data.id)));
  let lost = 0;
  for (const acked of options.acknowledged) if (!storedKeys.has(acked)) lost++;

  const engine = new ReferralEngine(ProgramRegistry.withBuiltins());
  const history = stored
    .map(({ data }, i) => ({ data, i }))
    .sort((a, b) => Date.parse(a.data.occurredAt) - Date.parse(b.data.occurredAt) || a.i - b.i);
  for (const { data } of history) engine.apply(data);
  engine.advanceTo(options.now);
  const replay = engine.rewardViews();

  const counts = async (type: string) =>
    db.query<{ id: string; n: string }>(
      `SELECT data->>'rewardId' AS id, count(*)::text AS n FROM ${s}.events WHERE type = $1 GROUP BY 1`,
      [type],
    );
  const earned = await counts('RewardEarned');
  const paid = await counts('RewardPaid');
  const awaiting = await counts('RewardAwaitingApproval');
  const settled = new Set([...paid, ...awaiting].map((r) => r.id));
  const money: MoneyAudit['money'] = {};
  const tally = (kind: string, unit: string, side: 'ledger' | 'replay', amount: number) => {
    const entry = (money[`${kind} (${unit})`] ??= { ledger: 0, replay: 0 });
    entry[side] += amount;
  };
  for (const reward of replay) tally(reward.kind, reward.unit, 'replay', reward.amount);
  const ledger = await db.query<{ kind: string; unit: string; total: string }>(
    `SELECT kind, unit, sum(amount)::text AS total FROM ${s}.reward_ledger
     WHERE entry IN ('credit', 'cash_owed') GROUP BY 1, 2`,
  );
  for (const row of ledger) tally(row.kind, row.unit, 'ledger', Number(row.total));
  const [owed] = await db
    .query<{ n: string }>(`SELECT count(*)::text AS n FROM ${s}.webhook_outbox`)
    .catch(() => [{ n: String(paid.length) }]);

  return {
    eventsAcknowledged: options.acknowledged.size,
    eventsStored: storedKeys.size,
    eventsLost: lost,
    rewardsDecided: earned.length,
    rewardsDecidedByReplay: replay.length,
    rewardsDecidedTwice: earned.filter((r) => Number(r.n) > 1).length,
    rewardsPaid: settled.size,
    rewardsPaidTwice: [...paid, ...awaiting].filter((r) => Number(r.n) > 1).length,
    rewardsStuck: earned.filter((r) => !settled.has(r.id)).length,
    webhooksOwed: Number(owed.n),
    webhooksDelivered: options.webhooksDelivered,
    money,
  };
}

/** The audit as the lines `npm run chaos` prints. */
export function describeAudit(audit: MoneyAudit): string {
  const lines = [
    `events acknowledged ${audit.eventsAcknowledged} / stored ${audit.eventsStored} / lost ${audit.eventsLost}`,
    `rewards decided ${audit.rewardsDecided} (replay ${audit.rewardsDecidedByReplay}, twice ${audit.rewardsDecidedTwice}) / paid ${audit.rewardsPaid} / paid twice ${audit.rewardsPaidTwice} / stuck ${audit.rewardsStuck}`,
    `webhooks owed ${audit.webhooksOwed} / delivered ${audit.webhooksDelivered}`,
    ...Object.entries(audit.money).map(
      ([kind, { ledger, replay }]) =>
        `money ${kind}: ledger ${ledger} / replay ${replay}${ledger === replay ? ' (equal)' : ' (DIFFERENT)'}`,
    ),
  ];
  return lines.join('\n');
}
