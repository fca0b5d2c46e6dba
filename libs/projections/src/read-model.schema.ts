import { addColumnIfMissing, createIndexIfMissing } from './schema-steps';
import { quoteIdent, SqlClient } from './sql-database';

/**
 * The read models behind the referrer views: one row per referral and per
 * reward, the whole view as JSON plus the columns the queries filter on.
 * Run at every start, beside processes at work: see schema-steps.ts for why
 * an index or a column is looked up before it is created.
 */
export async function createReadModelSchema(db: SqlClient, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${s}.referral_view (
      program text NOT NULL,
      referee_account_id text NOT NULL,
      referrer_account_id text NOT NULL,
      status text NOT NULL,
      signed_up_at timestamptz NOT NULL,
      view jsonb NOT NULL,
      PRIMARY KEY (program, referee_account_id)
    )`);
  await createIndexIfMissing(
    db,
    schema,
    'referral_view_by_referrer',
    'referral_view (program, referrer_account_id, signed_up_at)',
  );
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${s}.reward_view (
      reward_id text PRIMARY KEY,
      program text NOT NULL,
      beneficiary_account_id text NOT NULL,
      kind text NOT NULL,
      unit text NOT NULL,
      amount bigint NOT NULL,
      status text NOT NULL,
      earned_at timestamptz NOT NULL,
      view jsonb NOT NULL
    )`);
  // Lifecycle facts the contract's view does not show: the open batch holding exported cash, and
  // when bonus minutes lapsed (RewardExportCancelled and RewardExpired in the reward's stream).
  // Columns before indexes: an older schema's upgrade takes its strongest lock first.
  await addColumnIfMissing(db, schema, 'reward_view', 'batch_id', 'text');
  await addColumnIfMissing(db, schema, 'reward_view', 'expired_at', 'timestamptz');
  await createIndexIfMissing(
    db,
    schema,
    'reward_view_by_beneficiary',
    'reward_view (program, beneficiary_account_id, earned_at)',
  );
  await createIndexIfMissing(db, schema, 'reward_view_by_status', 'reward_view (status, kind)');
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${s}.projection_checkpoints (
      name text PRIMARY KEY,
      position bigint NOT NULL
    )`);
}
