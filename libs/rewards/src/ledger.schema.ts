import { quoteIdent, SqlDatabase } from '@referrals/event-store';
import { createIndexIfMissing } from '@referrals/projections';

/**
 * The rewards ledger: an entry per movement, never an update. The unique
 * `(reward_id, entry)` is what makes a payout happen once, however often a
 * job runs: a second credit of the same reward is a conflict, not a row.
 */
export async function createLedgerSchema(db: SqlDatabase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`CREATE TABLE IF NOT EXISTS ${s}.reward_ledger (
    entry_id bigserial PRIMARY KEY,
    reward_id text NOT NULL,
    entry text NOT NULL,
    program text NOT NULL,
    account_id text NOT NULL,
    kind text NOT NULL,
    unit text NOT NULL,
    amount bigint NOT NULL,
    effective_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reward_id, entry)
  )`);
  // Looked up first: CREATE INDEX IF NOT EXISTS locks the table in use (see schema-steps.ts).
  await createIndexIfMissing(
    db,
    schema,
    'reward_ledger_by_account',
    'reward_ledger (program, account_id)',
  );
  // The webhook outbox: one row per message upstream is owed (a projection of the reward
  // streams), with its dispatch state. Redis only carries the send; a row not yet delivered is
  // queued again by the sweep, so a Redis that lost everything loses no webhook.
  await db.query(`CREATE TABLE IF NOT EXISTS ${s}.webhook_outbox (
    delivery_id text PRIMARY KEY,
    program text NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    position bigint NOT NULL,
    enqueued_at timestamptz,
    delivered_at timestamptz,
    outcome text
  )`);
  await createIndexIfMissing(
    db,
    schema,
    'webhook_outbox_undelivered',
    'webhook_outbox (position) WHERE delivered_at IS NULL',
  );
}
