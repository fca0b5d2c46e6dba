import type { RewardView } from '@referrals/domain';
import type { SqlClient } from '@referrals/event-store';
import { lockInKeyOrder } from './lock-in-key-order';

/** The row-level steps every payout and admin action shares, inside its transaction. */

/** One ledger movement of a reward. */
export interface LedgerEntry {
  readonly view: RewardView;
  readonly entry: string;
  readonly amount: number;
  readonly at: string;
}

const parseView = (view: RewardView | string): RewardView =>
  // Drivers differ: pg parses jsonb, PGlite may hand back text.
  typeof view === 'string' ? (JSON.parse(view) as RewardView) : view;

/**
 * The rewards' views, locked for the rest of the transaction (outside one,
 * just read). Locked in id order, so two batches that share rewards cannot
 * deadlock.
 */
export async function lockRewardViews(
  tx: SqlClient,
  s: string,
  rewardIds: readonly string[],
): Promise<RewardView[]> {
  const rows = await lockInKeyOrder<{ view: RewardView | string }>(
    tx,
    `${s}.reward_view`,
    'reward_id',
    rewardIds,
    'view',
  );
  return rows.map((row) => parseView(row.view));
}

export async function lockRewardView(
  tx: SqlClient,
  s: string,
  rewardId: string,
): Promise<RewardView | undefined> {
  const [view] = await lockRewardViews(tx, s, [rewardId]);
  return view;
}

/** Ledger movements in one statement; a second of the same kind for the same reward is a no-op. */
export async function recordLedgerEntries(
  tx: SqlClient,
  s: string,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO ${s}.reward_ledger (reward_id, entry, program, account_id, kind, unit, amount, effective_at)
     SELECT e->>'rewardId', e->>'entry', e->>'program', e->>'accountId', e->>'kind', e->>'unit',
            (e->>'amount')::bigint, (e->>'at')::timestamptz
     FROM jsonb_array_elements($1::jsonb) AS e
     ON CONFLICT (reward_id, entry) DO NOTHING`,
    [
      JSON.stringify(
        entries.map(({ view, entry, amount, at }) => ({
          rewardId: view.rewardId,
          entry,
          program: view.program,
          accountId: view.beneficiaryAccountId,
          kind: view.kind,
          unit: view.unit,
          amount,
          at,
        })),
      ),
    ],
  );
}

export function recordLedgerEntry(
  tx: SqlClient,
  s: string,
  view: RewardView,
  entry: string,
  amount: number,
  at: string,
): Promise<void> {
  return recordLedgerEntries(tx, s, [{ view, entry, amount, at }]);
}

/** Saves the views' new statuses in one statement. */
export async function saveRewardViews(
  tx: SqlClient,
  s: string,
  views: readonly RewardView[],
): Promise<void> {
  if (views.length === 0) return;
  await tx.query(
    `UPDATE ${s}.reward_view AS r SET status = v->>'status', view = v
     FROM jsonb_array_elements($1::jsonb) AS v WHERE r.reward_id = v->>'rewardId'`,
    [JSON.stringify(views)],
  );
}

export function saveRewardView(tx: SqlClient, s: string, view: RewardView): Promise<void> {
  return saveRewardViews(tx, s, [view]);
}
