import type { RewardView } from '@referrals/domain';
import { EventStore, quoteIdent, SqlClient, SqlDatabase } from '@referrals/event-store';
import { lockRewardView, recordLedgerEntry, saveRewardView } from './reward-rows';

export type PayoutOutcome = 'paid' | 'awaiting_approval' | 'already_done' | 'not_yet_known';

/** A reward's payout lifecycle (paid, awaiting approval, approved, voided) has a stream of its own. */
export const rewardStream = (rewardId: string) => `reward:${rewardId}`;

/**
 * Pays one earned reward, exactly once, however often it is asked to: the
 * ledger entry and the view's status change commit together, guarded by the
 * ledger's unique `(reward_id, entry)`; the `RewardPaid` event follows, with a
 * deterministic id. A crash between the two leaves a paid reward whose event
 * the next attempt appends; it never pays twice. Cash is not paid here: it
 * waits for an admin's approval.
 */
export class RewardPayout {
  private readonly s: string;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.s = quoteIdent(schema);
  }

  async pay(rewardId: string): Promise<PayoutOutcome> {
    const settled = await this.db.transaction((tx) => this.settle(tx, rewardId));
    if (!settled) return 'not_yet_known';
    const { view, outcome } = settled;
    const type =
      view.status === 'paid'
        ? 'RewardPaid'
        : view.status === 'awaiting_approval'
          ? 'RewardAwaitingApproval'
          : undefined;
    if (type) {
      await this.store.appendToStream(rewardStream(rewardId), [
        {
          eventId: `${type}-${rewardId}`,
          type,
          data: {
            rewardId,
            beneficiaryAccountId: view.beneficiaryAccountId,
            amount: view.amount,
            unit: view.unit,
            kind: view.kind,
            at: (view as { paidAt?: string }).paidAt ?? this.clock().toISOString(),
          },
        },
      ]);
    }
    return outcome;
  }

  private async settle(
    tx: SqlClient,
    rewardId: string,
  ): Promise<{ view: RewardView; outcome: PayoutOutcome } | undefined> {
    const view = await lockRewardView(tx, this.s, rewardId);
    if (!view) return undefined;
    if (view.status !== 'earned') return { view, outcome: 'already_done' };
    const cash = view.kind === 'cash';
    const at = this.clock().toISOString();
    await recordLedgerEntry(tx, this.s, view, cash ? 'cash_owed' : 'credit', view.amount, at);
    const settled: RewardView & { paidAt?: string } = cash
      ? { ...view, status: 'awaiting_approval' }
      : { ...view, status: 'paid', paidAt: at };
    await saveRewardView(tx, this.s, settled);
    return { view: settled, outcome: cash ? 'awaiting_approval' : 'paid' };
  }

  /** Rewards decided but not yet paid: what a sweep hands to the queue again. */
  async unpaid(limit = 10_000): Promise<string[]> {
    const rows = await this.db.query<{ reward_id: string }>(
      `SELECT reward_id FROM ${this.s}.reward_view WHERE status = 'earned' ORDER BY earned_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.reward_id);
  }

  /** Balances by kind and unit, from the ledger's entries. */
  async balances(program: string, accountId: string) {
    const rows = await this.db.query<{ kind: string; unit: string; amount: string }>(
      `SELECT kind, unit, sum(amount)::text AS amount FROM ${this.s}.reward_ledger
       WHERE program = $1 AND account_id = $2 GROUP BY kind, unit ORDER BY kind, unit`,
      [program, accountId],
    );
    return rows.map((r) => ({ kind: r.kind, unit: r.unit, amount: Number(r.amount) }));
  }

  async view(rewardId: string): Promise<RewardView | undefined> {
    return lockRewardView(this.db, this.s, rewardId);
  }

  /** Bonus minutes lapse at `expiresAt`: an expiry entry takes back what is left, never a delete. */
  async expireDue(now: Date): Promise<string[]> {
    const rows = await this.db.query<{ reward_id: string }>(
      `INSERT INTO ${this.s}.reward_ledger (reward_id, entry, program, account_id, kind, unit, amount, effective_at)
       SELECT l.reward_id, 'expiry', l.program, l.account_id, l.kind, l.unit, -l.amount, (v.view->>'expiresAt')::timestamptz
       FROM ${this.s}.reward_ledger l JOIN ${this.s}.reward_view v ON v.reward_id = l.reward_id
       WHERE l.entry = 'credit' AND l.kind = 'bonus_minutes' AND (v.view->>'expiresAt')::timestamptz <= $1
       ON CONFLICT (reward_id, entry) DO NOTHING
       RETURNING reward_id`,
      [now.toISOString()],
    );
    return rows.map((r) => r.reward_id);
  }
}
