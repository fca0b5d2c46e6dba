import type { RewardView } from '@referrals/domain';
import { EventStore, quoteIdent, SqlDatabase } from '@referrals/event-store';
import { lockRewardView, recordLedgerEntry, saveRewardView } from './reward-rows';
import { rewardStream } from './reward-payout';

export type CashAction = 'approve' | 'void' | 'pay_out';

/** Where each admin action may start, where it leads, and what it writes to the ledger. */
const ACTIONS: Record<CashAction, { from: string; to: string; event: string; entry?: string }> = {
  approve: { from: 'awaiting_approval', to: 'approved', event: 'RewardApproved' },
  void: { from: 'awaiting_approval', to: 'voided', event: 'RewardVoided', entry: 'cash_voided' },
  pay_out: { from: 'approved', to: 'paid', event: 'CashPaidOut', entry: 'cash_paid' },
};

export type CashActionOutcome =
  | { readonly ok: true; readonly reward: RewardView }
  | {
      readonly ok: false;
      readonly reason: 'not_found' | 'not_cash' | 'wrong_status';
      readonly status?: string;
    };

/**
 * Cash waits for people: an admin approves or voids it, approved cash goes
 * out in a payout export, and confirming the export marks it paid. Each step
 * is an event in the reward's stream (who, when), and the ledger's cash owed
 * falls when cash is voided or paid out.
 */
export class CashApprovals {
  private readonly s: string;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.s = quoteIdent(schema);
  }

  async act(rewardId: string, action: CashAction, actor: string): Promise<CashActionOutcome> {
    const rule = ACTIONS[action];
    const at = this.clock().toISOString();
    const outcome = await this.db.transaction(async (tx): Promise<CashActionOutcome> => {
      const view = await lockRewardView(tx, this.s, rewardId);
      if (!view) return { ok: false, reason: 'not_found' };
      if (view.kind !== 'cash') return { ok: false, reason: 'not_cash' };
      if (view.status === rule.to) return { ok: true, reward: view }; // said twice: done already
      if (view.status !== rule.from)
        return { ok: false, reason: 'wrong_status', status: view.status };
      const next = {
        ...view,
        status: rule.to,
        ...(rule.to === 'paid' && { paidAt: at }),
      } as RewardView;
      if (rule.entry) await recordLedgerEntry(tx, this.s, view, rule.entry, -view.amount, at);
      await saveRewardView(tx, this.s, next);
      return { ok: true, reward: next };
    });
    if (outcome.ok) {
      await this.store.appendToStream(rewardStream(rewardId), [
        { eventId: `${rule.event}-${rewardId}`, type: rule.event, data: { rewardId, actor, at } },
      ]);
    }
    return outcome;
  }

  /** Approved cash due by `dueBefore` (inclusive), for a bulk-payout tool. */
  async approvedDue(dueBefore: string): Promise<RewardView[]> {
    const rows = await this.db.query<{ view: RewardView | string }>(
      `SELECT view FROM ${this.s}.reward_view
       WHERE kind = 'cash' AND status = 'approved' AND (view->>'dueBy') <= $1
       ORDER BY view->>'dueBy', reward_id`,
      [dueBefore],
    );
    return rows.map((r) =>
      typeof r.view === 'string' ? (JSON.parse(r.view) as RewardView) : r.view,
    );
  }
}

/** The payout export: one row per approved cash reward, amounts in minor units and in decimal. */
export function payoutsCsv(rewards: readonly RewardView[]): string {
  const header =
    'reward_id,program,beneficiary_account_id,amount_minor,currency,amount,due_by,earned_at';
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = rewards.map((r) =>
    [
      r.rewardId,
      r.program,
      r.beneficiaryAccountId,
      String(r.amount),
      r.unit,
      decimal(r.amount, r.unit),
      r.dueBy ?? '',
      r.earnedAt,
    ]
      .map(quote)
      .join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}

/** Minor units as a decimal string, with the currency's own number of digits. */
function decimal(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}
