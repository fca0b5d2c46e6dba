import { quoteIdent, SqlDatabase } from './sql-driver';

/**
 * The event tables. `transaction_id` (xid8) lets a reader stop below the
 * oldest transaction still in flight, so an event whose transaction commits
 * after a later one is never skipped (as Emmett's PostgreSQL store does).
 */
export async function createEventStoreSchema(db: SqlDatabase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  // Concurrent start-ups would race on CREATE ... IF NOT EXISTS; one lock serializes them.
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`referrals-schema:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.streams (
      stream_id text PRIMARY KEY,
      version bigint NOT NULL
    )`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.events (
      global_position bigserial PRIMARY KEY,
      stream_id text NOT NULL,
      stream_position bigint NOT NULL,
      event_id text NOT NULL UNIQUE,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT now(),
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      UNIQUE (stream_id, stream_position)
    )`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
      subscription_id text PRIMARY KEY,
      position bigint NOT NULL
    )`);
  });
}
