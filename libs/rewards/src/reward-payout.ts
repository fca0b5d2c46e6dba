import DataLoader from 'dataloader';
import type { RewardView } from '@referrals/domain';
import {
  EventStore,
  failpoint,
  quoteIdent,
  SqlDatabase,
  StreamWrite,
  WrongExpectedVersionError,
} from '@referrals/event-store';
import type { ProjectionRunner } from '@referrals/projections';
import { decideReward, RewardCommandRejected } from './reward/reward.decider';
import { RewardFacts, REWARD_STREAM_PREFIX } from './reward/reward.events';
import { LoadedReward, RewardStreams } from './reward/reward-streams';
import { lockRewardView, lockRewardViews } from './reward-rows';

export type PayoutOutcome = 'paid' | 'awaiting_approval' | 'already_done' | 'not_yet_known';

/** What paying one reward came to. */
export interface Payout {
  readonly rewardId: string;
  readonly outcome: PayoutOutcome;
}

export interface RewardPayoutOptions {
  readonly clock?: () => Date;
  /** How long a payout waits for others to share its append (group commit). */
  readonly batchDelayMs?: number;
  readonly maxBatchSize?: number;
  /**
   * How long a payout waits for the lifecycle projection, before deciding (a reward earned a
   * moment ago) and after appending (so the ledger shows it at once); default 1 s. A payout is
   * a queue job, and a catch-up behind a backlog drains all of it: every job of the worker would
   * wait that long, and a job still running when Redis has lost its lock (restarted empty, the
   * sweep queueing the reward again) runs twice. Past the wait the worker's projection pass
   * folds the rest; a reward not yet folded answers `not_yet_known`, and its job is tried again.
   */
  readonly projectionWaitMs?: number;
}

/** Who the payout worker's events name as having acted. */
export const PAYOUT_WORKER = 'payout-worker';

/**
 * Pays earned rewards, events first: for each reward it loads `reward:<id>`,
 * folds it, decides `Pay` on the facts `RewardEarned` recorded, and appends
 * at the version it folded. The append is the payment: the ledger, the views
 * and the webhook outbox are projections of it, caught up right after (and by
 * every later catch-up, should this process die first). A reward asked for
 * twice, by two jobs or two workers, finds its stream already moved on and
 * pays nothing more.
 *
 * Payouts asked for at about the same time (the queue's concurrent jobs)
 * share one append: several streams, each at its expected version, in one
 * transaction where the store has them.
 */
export class RewardPayout {
  private readonly s: string;
  private readonly clock: () => Date;
  private readonly batcher: DataLoader<string, Payout>;
  private readonly rewards: RewardStreams;
  private readonly projectionWaitMs: number;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    private readonly lifecycle: ProjectionRunner,
    options: RewardPayoutOptions = {},
  ) {
    this.s = quoteIdent(schema);
    this.clock = options.clock ?? (() => new Date());
    this.rewards = new RewardStreams(store);
    this.projectionWaitMs = options.projectionWaitMs ?? 1_000;
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

  /** Pays one reward in the next shared append. */
  payout(rewardId: string): Promise<Payout> {
    return this.batcher.load(rewardId);
  }

  /** Pays these rewards in one append; one result per id, in order. */
  async payMany(rewardIds: readonly string[]): Promise<Payout[]> {
    const unique = [...new Set(rewardIds)];
    let facts = await this.earnedFacts(unique);
    if (facts.size < unique.length) {
      // Earned a moment ago: fold the referral streams' RewardEarned into the views first.
      await atMost(this.lifecycle.catchUp(), this.projectionWaitMs);
      facts = await this.earnedFacts(unique);
    }
    const at = this.clock().toISOString();
    const loaded = await Promise.all([...facts.keys()].map((id) => this.rewards.load(id)));
    const decided = loaded.map((reward) => ({
      reward,
      events: decideReward(
        { type: 'Pay', data: { reward: facts.get(reward.rewardId)!, at } },
        reward.state,
      ),
    }));
    const writes = decided
      .filter((d) => d.events.length > 0)
      .map((d) => this.rewards.writeOf(d.reward, d.events));
    const won = await this.append(writes);
    if (won.size > 0) {
      failpoint('payout.after-append');
      // Best effort: the worker's projection pass folds whatever this one does not see yet.
      await atMost(this.lifecycle.catchUp(), this.projectionWaitMs);
    }
    const outcomes = new Map<string, PayoutOutcome>();
    for (const { reward, events } of decided) {
      const first = events[0]?.type;
      outcomes.set(
        reward.rewardId,
        !won.has(reward.rewardId)
          ? 'already_done'
          : first === 'RewardAwaitingApproval'
            ? 'awaiting_approval'
            : 'paid',
      );
    }
    // The same reward asked for twice in one batch is paid by the first ask only.
    const answered = new Set<string>();
    return rewardIds.map((rewardId): Payout => {
      const outcome = outcomes.get(rewardId);
      if (!outcome) return { rewardId, outcome: 'not_yet_known' };
      if (answered.has(rewardId)) return { rewardId, outcome: 'already_done' };
      answered.add(rewardId);
      return { rewardId, outcome };
    });
  }

  /**
   * All streams at once; if another worker moved one of them, stream by
   * stream, and a stream that moved is another's payment, not ours.
   * Returns the rewards whose payment this append made.
   */
  private async append(writes: readonly StreamWrite[]): Promise<Set<string>> {
    const idOf = (w: StreamWrite) => w.streamId.slice(REWARD_STREAM_PREFIX.length);
    if (writes.length === 0) return new Set();
    try {
      const results = await this.store.appendBatch(writes);
      // Events already there (same ids) are another's payment, not this one's.
      return new Set(writes.filter((_, i) => results[i].appended > 0).map(idOf));
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    const won = new Set<string>();
    for (const write of writes) {
      try {
        const result = await this.store.appendToStream(write.streamId, write.events, {
          expectedVersion: write.expectedVersion,
        });
        if (result.appended > 0) won.add(idOf(write));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    return won;
  }

  /** What `RewardEarned` decided for each reward, from its projection (rewards not yet projected are missing). */
  private async earnedFacts(rewardIds: readonly string[]): Promise<Map<string, RewardFacts>> {
    const views = await lockRewardViews(this.db, this.s, rewardIds);
    return new Map(
      views.map(({ status: _status, paidAt: _paidAt, ...facts }) => [facts.rewardId, facts]),
    );
  }

  /**
   * Rewards earned with no event in their own stream yet, as the lifecycle
   * projection (caught up first) shows them: what a sweep hands to the queue again.
   */
  async unpaid(limit = 10_000): Promise<string[]> {
    await this.lifecycle.catchUp();
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

  /** The reward as its own stream has it. */
  load(rewardId: string): Promise<LoadedReward> {
    return this.rewards.load(rewardId);
  }

  /**
   * Bonus minutes lapse at `expiresAt`: each paid reward past it gets
   * `RewardExpired` (the ledger takes back what is left, upstream is told).
   * Returns the rewards that lapsed now.
   */
  async expireDue(now: Date, limit = 10_000): Promise<string[]> {
    await this.lifecycle.catchUp();
    const rows = await this.db.query<{ reward_id: string }>(
      `SELECT reward_id FROM ${this.s}.reward_view
       WHERE status = 'paid' AND kind = 'bonus_minutes' AND expired_at IS NULL
         AND (view->>'expiresAt')::timestamptz <= $1
       ORDER BY reward_id LIMIT $2`,
      [now.toISOString(), limit],
    );
    const expired: string[] = [];
    let position = -1n;
    for (const { reward_id: rewardId } of rows) {
      try {
        const lapsed = await this.rewards.handle(rewardId, {
          type: 'Expire',
          data: { rewardId, at: now.toISOString() },
        });
        if (lapsed.position !== undefined) {
          expired.push(rewardId);
          position = lapsed.position;
        }
      } catch (error) {
        if (!(error instanceof RewardCommandRejected)) throw error;
      }
    }
    if (expired.length > 0) await this.lifecycle.catchUpTo(position, 1_000);
    return expired;
  }
}

/**
 * Waits for `work` at most `ms`. A failure within the wait is the caller's; past it, the
 * caller goes on and how the work ends is no longer its business (a catch-up is shared,
 * and the next one does what this one did not).
 */
async function atMost(work: Promise<void>, ms: number): Promise<void> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work, waited]);
  } finally {
    clearTimeout(timer);
  }
}
