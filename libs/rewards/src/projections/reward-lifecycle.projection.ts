import { EarnedReward, RewardView, toEarnedRewardView } from '@referrals/domain';
import type { RecordedEvent } from '@referrals/event-store';
import { REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { EventProjection, quoteIdent, SqlClient } from '@referrals/projections';
import {
  isRewardEvent,
  RewardEvent,
  RewardFacts,
  REWARD_STREAM_PREFIX,
} from '../reward/reward.events';
import { lockRewardView, recordLedgerEntry, saveRewardView } from '../reward-rows';

export const REWARD_LIFECYCLE_PROJECTION = 'reward-lifecycle';

/** Statuses whose amount the ledger holds: a void, an expiry or an adjustment moves it. */
const CREDITED = new Set(['paid', 'awaiting_approval', 'approved']);

/**
 * `reward_view` (each reward's status) and the ledger (balances, cash owed),
 * folded from `RewardEarned` in the referral streams and every event of the
 * reward streams. Each ledger entry is named by the event that made it, so
 * the ledger's unique `(reward_id, entry)` holds it to one row.
 */
export class RewardLifecycleProjection implements EventProjection {
  readonly name = REWARD_LIFECYCLE_PROJECTION;
  readonly streamPrefixes = [REFERRAL_STREAM_PREFIX, REWARD_STREAM_PREFIX];
  private readonly s: string;

  constructor(schema: string) {
    this.s = quoteIdent(schema);
  }

  async apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      if (recorded.streamId.startsWith(REFERRAL_STREAM_PREFIX)) {
        if (recorded.type === 'RewardEarned')
          await this.earned(tx, toEarnedRewardView(recorded.data as EarnedReward));
      } else if (isRewardEvent(recorded)) {
        await this.lifecycle(tx, recorded as unknown as RewardEvent, recorded.streamPosition);
      }
    }
  }

  private async earned(tx: SqlClient, view: RewardView): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.s}.reward_view
         (reward_id, program, beneficiary_account_id, kind, unit, amount, status, earned_at, view)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (reward_id) DO NOTHING`,
      [
        view.rewardId,
        view.program,
        view.beneficiaryAccountId,
        view.kind,
        view.unit,
        view.amount,
        view.status,
        view.earnedAt,
        JSON.stringify(view),
      ],
    );
  }

  private async lifecycle(tx: SqlClient, event: RewardEvent, position: bigint): Promise<void> {
    const { rewardId } = event.data;
    switch (event.type) {
      case 'RewardPaid':
      case 'RewardAwaitingApproval': {
        const cash = event.type === 'RewardAwaitingApproval';
        const view = withFacts(
          event.data.reward,
          cash ? 'awaiting_approval' : 'paid',
          event.data.at,
        );
        await this.earned(tx, view);
        await saveRewardView(tx, this.s, view);
        await recordLedgerEntry(
          tx,
          this.s,
          view,
          cash ? 'cash_owed' : 'credit',
          view.amount,
          event.data.at,
        );
        return;
      }
      case 'RewardApproved':
        await this.setStatus(tx, rewardId, 'approved');
        return;
      case 'RewardVoided': {
        const view = await this.setStatus(tx, rewardId, 'voided');
        if (view && event.data.amount > 0) {
          const entry = view.kind === 'cash' ? 'cash_voided' : 'voided';
          await recordLedgerEntry(tx, this.s, view, entry, -event.data.amount, event.data.at);
        }
        return;
      }
      case 'RewardExported':
      case 'RewardExportCancelled':
        await tx.query(`UPDATE ${this.s}.reward_view SET batch_id = $2 WHERE reward_id = $1`, [
          rewardId,
          event.type === 'RewardExported' ? event.data.batchId : null,
        ]);
        return;
      case 'CashPaidOut': {
        const view = withFacts(event.data.reward, 'paid', event.data.at);
        await saveRewardView(tx, this.s, view);
        await recordLedgerEntry(tx, this.s, view, 'cash_paid', -view.amount, event.data.at);
        return;
      }
      case 'RewardExpired': {
        const { reward, amount } = event.data;
        await tx.query(`UPDATE ${this.s}.reward_view SET expired_at = $2 WHERE reward_id = $1`, [
          rewardId,
          reward.expiresAt,
        ]);
        const view = withFacts(reward, 'paid', event.data.paidAt);
        await recordLedgerEntry(
          tx,
          this.s,
          view,
          'expiry',
          -amount,
          reward.expiresAt ?? event.data.at,
        );
        return;
      }
      case 'RewardAdjusted': {
        const [row] = await tx.query<{ status: string; expired: boolean }>(
          `SELECT status, expired_at IS NOT NULL AS expired FROM ${this.s}.reward_view
           WHERE reward_id = $1 FOR UPDATE`,
          [rewardId],
        );
        const before = await lockRewardView(tx, this.s, rewardId);
        if (!row || !before) return;
        const view: RewardView = { ...before, amount: event.data.reward.amount };
        await saveRewardView(tx, this.s, view);
        await tx.query(`UPDATE ${this.s}.reward_view SET amount = $2 WHERE reward_id = $1`, [
          rewardId,
          view.amount,
        ]);
        // The ledger moves by the difference only for what it holds (not yet paid: nothing).
        if (CREDITED.has(row.status) && !row.expired) {
          const delta = view.amount - event.data.previousAmount;
          await recordLedgerEntry(tx, this.s, view, `adjusted@${position}`, delta, event.data.at);
        }
        return;
      }
      default: {
        const exhaustive: never = event;
        throw new Error(`unknown reward event ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  private async setStatus(
    tx: SqlClient,
    rewardId: string,
    status: RewardView['status'],
  ): Promise<RewardView | undefined> {
    const before = await lockRewardView(tx, this.s, rewardId);
    if (!before) return undefined;
    const view = { ...before, status };
    await saveRewardView(tx, this.s, view);
    return view;
  }
}

/** The reward's view from the facts its event carries. */
export function withFacts(
  reward: RewardFacts,
  status: RewardView['status'],
  at: string,
): RewardView {
  return { ...reward, status, ...(status === 'paid' && { paidAt: at }) } as RewardView;
}
