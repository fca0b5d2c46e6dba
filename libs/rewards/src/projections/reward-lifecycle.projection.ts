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
import { lockInKeyOrder } from '../lock-in-key-order';
import { LedgerEntry, recordLedgerEntries } from '../reward-rows';

export const REWARD_LIFECYCLE_PROJECTION = 'reward-lifecycle';

/** Statuses whose amount the ledger holds: a void, an expiry or an adjustment moves it. */
const CREDITED = new Set(['paid', 'awaiting_approval', 'approved']);

/** A reward's row: its view, the open batch holding it, when its minutes lapsed. */
interface Row {
  view: RewardView;
  batchId: string | null;
  expiredAt: string | null;
}

/**
 * `reward_view` (each reward's status) and the ledger (balances, cash owed),
 * folded from `RewardEarned` in the referral streams and every event of the
 * reward streams. Each ledger entry is named by the event that made it, so
 * the ledger's unique `(reward_id, entry)` holds it to one row.
 *
 * A batch is folded in memory over the rows it touches, read (and locked) in
 * one statement and written back in two: its transaction stays short, since
 * the store shows no later event to anyone while it is open.
 */
export class RewardLifecycleProjection implements EventProjection {
  readonly name = REWARD_LIFECYCLE_PROJECTION;
  readonly streamPrefixes = [REFERRAL_STREAM_PREFIX, REWARD_STREAM_PREFIX];
  private readonly s: string;

  constructor(schema: string) {
    this.s = quoteIdent(schema);
  }

  async apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    const rows = await this.lockRows(tx, events);
    const changed = new Set<string>();
    const entries: LedgerEntry[] = [];
    for (const recorded of events) {
      if (recorded.streamId.startsWith(REFERRAL_STREAM_PREFIX)) {
        if (recorded.type !== 'RewardEarned') continue;
        const view = toEarnedRewardView(recorded.data as EarnedReward);
        if (rows.has(view.rewardId)) continue; // a reward, once earned, keeps its row
        rows.set(view.rewardId, { view, batchId: null, expiredAt: null });
        changed.add(view.rewardId);
      } else if (isRewardEvent(recorded)) {
        const event = recorded as unknown as RewardEvent;
        if (fold(rows, event, recorded.streamPosition, entries)) changed.add(event.data.rewardId);
      }
    }
    await this.saveRows(
      tx,
      [...changed].map((id) => rows.get(id)!),
    );
    await recordLedgerEntries(tx, this.s, entries);
  }

  /** The rows of every reward the events name, locked in id order (byte order, as every writer). */
  private async lockRows(tx: SqlClient, events: readonly RecordedEvent[]) {
    const ids = [
      ...new Set(
        events
          .filter((e) => e.type === 'RewardEarned' || e.streamId.startsWith(REWARD_STREAM_PREFIX))
          .map((e) => (e.data as { rewardId: string }).rewardId),
      ),
    ];
    const found = await lockInKeyOrder<{
      view: RewardView | string;
      batch_id: string | null;
      expired_at: string | null;
    }>(
      tx,
      `${this.s}.reward_view`,
      'reward_id',
      ids,
      'view, batch_id, expired_at::text AS expired_at',
    );
    return new Map<string, Row>(
      found.map((r) => {
        const view = typeof r.view === 'string' ? (JSON.parse(r.view) as RewardView) : r.view;
        return [view.rewardId, { view, batchId: r.batch_id, expiredAt: r.expired_at }];
      }),
    );
  }

  /**
   * In reward id order, as the process manager's view writer inserts them: a reward earned a
   * moment ago is new to both, and an insert waits for the other's open insert of the same key,
   * so inserting in event order against its referee order was a deadlock.
   */
  private async saveRows(tx: SqlClient, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.reward_view AS t
         (reward_id, program, beneficiary_account_id, kind, unit, amount, status, earned_at, view,
          batch_id, expired_at)
       SELECT r->'view'->>'rewardId', r->'view'->>'program', r->'view'->>'beneficiaryAccountId',
              r->'view'->>'kind', r->'view'->>'unit', (r->'view'->>'amount')::bigint,
              r->'view'->>'status', (r->'view'->>'earnedAt')::timestamptz, r->'view',
              r->>'batchId', (r->>'expiredAt')::timestamptz
       FROM jsonb_array_elements($1::jsonb) AS r
       ORDER BY r->'view'->>'rewardId' COLLATE "C"
       ON CONFLICT (reward_id) DO UPDATE SET amount = EXCLUDED.amount, status = EXCLUDED.status,
         view = EXCLUDED.view, batch_id = EXCLUDED.batch_id, expired_at = EXCLUDED.expired_at`,
      [JSON.stringify(rows)],
    );
  }
}

/** Folds one reward event onto its row and the ledger; false when there is no row to fold onto. */
function fold(
  rows: Map<string, Row>,
  event: RewardEvent,
  position: bigint,
  entries: LedgerEntry[],
): boolean {
  const { rewardId } = event.data;
  const row = rows.get(rewardId);
  const entry = (view: RewardView, name: string, amount: number, at: string) =>
    entries.push({ view, entry: name, amount, at });
  switch (event.type) {
    case 'RewardPaid':
    case 'RewardAwaitingApproval': {
      const cash = event.type === 'RewardAwaitingApproval';
      const view = withFacts(event.data.reward, cash ? 'awaiting_approval' : 'paid', event.data.at);
      rows.set(rewardId, { batchId: null, expiredAt: null, ...row, view });
      entry(view, cash ? 'cash_owed' : 'credit', view.amount, event.data.at);
      return true;
    }
    case 'CashPaidOut': {
      const view = withFacts(event.data.reward, 'paid', event.data.at);
      rows.set(rewardId, { batchId: event.data.batchId, expiredAt: null, ...row, view });
      entry(view, 'cash_paid', -view.amount, event.data.at);
      return true;
    }
    case 'RewardExpired': {
      const { reward, amount, paidAt, at } = event.data;
      const view = withFacts(reward, 'paid', paidAt);
      rows.set(rewardId, {
        batchId: null,
        ...row,
        view: row?.view ?? view,
        expiredAt: reward.expiresAt ?? at,
      });
      entry(view, 'expiry', -amount, reward.expiresAt ?? at);
      return true;
    }
    default:
      break;
  }
  if (!row) return false;
  switch (event.type) {
    case 'RewardApproved':
      row.view = { ...row.view, status: 'approved' };
      return true;
    case 'RewardVoided': {
      row.view = { ...row.view, status: 'voided' };
      const name = row.view.kind === 'cash' ? 'cash_voided' : 'voided';
      if (event.data.amount > 0) entry(row.view, name, -event.data.amount, event.data.at);
      return true;
    }
    case 'RewardExported':
      row.batchId = event.data.batchId;
      return true;
    case 'RewardExportCancelled':
      row.batchId = null;
      return true;
    case 'RewardAdjusted': {
      // The ledger moves by the difference only for what it holds (not yet paid: nothing).
      const credited = CREDITED.has(row.view.status) && row.expiredAt === null;
      row.view = { ...row.view, amount: event.data.reward.amount };
      if (credited) {
        const delta = event.data.reward.amount - event.data.previousAmount;
        entry(row.view, `adjusted@${position}`, delta, event.data.at);
      }
      return true;
    }
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown reward event ${JSON.stringify(exhaustive)}`);
    }
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
