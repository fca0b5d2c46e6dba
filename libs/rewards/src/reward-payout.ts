import DataLoader from 'dataloader';
import type { RewardView } from '@referrals/domain';
import {
  EventStore,
  quoteIdent,
  SqlClient,
  SqlDatabase,
  StreamWrite,
} from '@referrals/event-store';
import {
  LedgerEntry,
  lockRewardView,
  lockRewardViews,
  recordLedgerEntries,
  saveRewardViews,
} from './reward-rows';

export type PayoutOutcome = 'paid' | 'awaiting_approval' | 'already_done' | 'not_yet_known';

/** What paying one reward came to, with the reward as it now stands. */
export interface Payout {
  readonly rewardId: string;
  readonly outcome: PayoutOutcome;
  readonly view?: RewardView;
}

export interface RewardPayoutOptions {
  readonly clock?: () => Date;
  /** How long a payout waits for others to share its transaction (group commit). */
  readonly batchDelayMs?: number;
  readonly maxBatchSize?: number;
}

/** A reward's payout lifecycle (paid, awaiting approval, approved, voided) has a stream of its own. */
export const REWARD_STREAM_PREFIX = 'reward:';
export const rewardStream = (rewardId: string) => `${REWARD_STREAM_PREFIX}${rewardId}`;

/**
 * Pays earned rewards, each exactly once, however often it is asked to: the
 * ledger entries and the views' new statuses commit together, guarded by the
 * ledger's unique `(reward_id, entry)`; the `RewardPaid` events follow, with
 * deterministic ids. A crash between the two leaves paid rewards whose events
 * the next attempt appends; it never pays twice. Cash is not paid here: it
 * waits for an admin's approval.
 *
 * Payouts asked for at about the same time (the queue's concurrent jobs) share
 * one transaction and one append, so throughput is not one fsync per reward.
 */
export class RewardPayout {
  private readonly s: string;
  private readonly clock: () => Date;
  private readonly batcher: DataLoader<string, Payout>;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    options: RewardPayoutOptions = {},
  ) {
    this.s = quoteIdent(schema);
    this.clock = options.clock ?? (() => new Date());
    const delay = options.batchDelayMs ?? 2;
    this.batcher = new DataLoader((ids) => this.payMany(ids), {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 500,
      batchScheduleFn: (dispatch) => setTimeout(dispatch, delay),
    });
  }

  async pay(rewardId: string): Promise<PayoutOutcome> {
    return (await this.payout(rewardId)).outcome;
  }

  /** Pays one reward in the next shared batch. */
  payout(rewardId: string): Promise<Payout> {
    return this.batcher.load(rewardId);
  }

  /** Pays these rewards in one transaction; one result per id, in order. */
  async payMany(rewardIds: readonly string[]): Promise<Payout[]> {
    const unique = [...new Set(rewardIds)];
    const settled = await this.db.transaction((tx) => this.settle(tx, unique));
    const events = settled.flatMap((payout) => this.eventOf(payout));
    if (events.length > 0) await this.store.appendBatch(events);
    const byId = new Map(settled.map((payout) => [payout.rewardId, payout]));
    // The same reward asked for twice in one batch is paid by the first ask only.
    const answered = new Set<string>();
    return rewardIds.map((rewardId): Payout => {
      const payout = byId.get(rewardId);
      if (!payout) return { rewardId, outcome: 'not_yet_known' };
      if (answered.has(rewardId)) return { ...payout, outcome: 'already_done' };
      answered.add(rewardId);
      return payout;
    });
  }

  private async settle(tx: SqlClient, rewardIds: readonly string[]): Promise<Payout[]> {
    const views = await lockRewardViews(tx, this.s, rewardIds);
    const at = this.clock().toISOString();
    const entries: LedgerEntry[] = [];
    const changed: RewardView[] = [];
    const payouts = views.map((view): Payout => {
      if (view.status !== 'earned')
        return { rewardId: view.rewardId, outcome: 'already_done', view };
      const cash = view.kind === 'cash';
      entries.push({ view, entry: cash ? 'cash_owed' : 'credit', amount: view.amount, at });
      const next: RewardView = cash
        ? { ...view, status: 'awaiting_approval' }
        : ({ ...view, status: 'paid', paidAt: at } as RewardView);
      changed.push(next);
      return { rewardId: view.rewardId, outcome: cash ? 'awaiting_approval' : 'paid', view: next };
    });
    await recordLedgerEntries(tx, this.s, entries);
    await saveRewardViews(tx, this.s, changed);
    return payouts;
  }

  /**
   * The event this payout records in the reward's stream, also for a reward
   * paid before (a crash may have come between the ledger and the event; its
   * deterministic id makes a repeat a no-op).
   */
  private eventOf({ rewardId, view }: Payout): StreamWrite[] {
    if (!view || view.status === 'earned') return [];
    if (view.kind !== 'cash' && view.status !== 'paid') return [];
    const type = view.kind === 'cash' ? 'RewardAwaitingApproval' : 'RewardPaid';
    return [
      {
        streamId: rewardStream(rewardId),
        events: [
          {
            eventId: `${type}-${rewardId}`,
            type,
            data: {
              rewardId,
              beneficiaryAccountId: view.beneficiaryAccountId,
              amount: view.amount,
              unit: view.unit,
              kind: view.kind,
              at: view.paidAt ?? this.clock().toISOString(),
            },
          },
        ],
      },
    ];
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

  /** These rewards' views, in one read (outside a transaction, nothing stays locked). */
  views(rewardIds: readonly string[]): Promise<RewardView[]> {
    return lockRewardViews(this.db, this.s, rewardIds);
  }

  /**
   * Bonus minutes lapse at `expiresAt`: an expiry entry takes back what is
   * left, never a delete. Only these rewards when given; each lapses once.
   */
  async expireDue(now: Date, rewardIds?: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ reward_id: string }>(
      `INSERT INTO ${this.s}.reward_ledger (reward_id, entry, program, account_id, kind, unit, amount, effective_at)
       SELECT l.reward_id, 'expiry', l.program, l.account_id, l.kind, l.unit, -l.amount, (v.view->>'expiresAt')::timestamptz
       FROM ${this.s}.reward_ledger l JOIN ${this.s}.reward_view v ON v.reward_id = l.reward_id
       WHERE l.entry = 'credit' AND l.kind = 'bonus_minutes' AND (v.view->>'expiresAt')::timestamptz <= $1
         AND ($2::text[] IS NULL OR l.reward_id = ANY($2::text[]))
       ON CONFLICT (reward_id, entry) DO NOTHING
       RETURNING reward_id`,
      [now.toISOString(), rewardIds ?? null],
    );
    return rows.map((r) => r.reward_id);
  }
}
