import type { RewardView } from '@referrals/domain';
import type { SqlClient } from '@referrals/event-store';

/** The row-level steps every payout and admin action shares, inside its transaction. */

/** The reward's view, locked for the rest of the transaction (outside one, just read). */
export async function lockRewardView(
  tx: SqlClient,
  s: string,
  rewardId: string,
): Promise<RewardView | undefined> {
  const [row] = await tx.query<{ view: RewardView | string }>(
    `SELECT view FROM ${s}.reward_view WHERE reward_id = $1 FOR UPDATE`,
    [rewardId],
  );
  if (!row) return undefined;
  // Drivers differ: pg parses jsonb, PGlite may hand back text.
  return typeof row.view === 'string' ? (JSON.parse(row.view) as RewardView) : row.view;
}

/** One ledger movement; a second of the same kind for the same reward is a no-op. */
export async function recordLedgerEntry(
  tx: SqlClient,
  s: string,
  view: RewardView,
  entry: string,
  amount: number,
  at: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.reward_ledger (reward_id, entry, program, account_id, kind, unit, amount, effective_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reward_id, entry) DO NOTHING`,
    [
      view.rewardId,
      entry,
      view.program,
      view.beneficiaryAccountId,
      view.kind,
      view.unit,
      amount,
      at,
    ],
  );
}

export async function saveRewardView(tx: SqlClient, s: string, view: RewardView): Promise<void> {
  await tx.query(`UPDATE ${s}.reward_view SET status = $2, view = $3::jsonb WHERE reward_id = $1`, [
    view.rewardId,
    view.status,
    JSON.stringify(view),
  ]);
}
