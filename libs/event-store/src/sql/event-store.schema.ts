import { quoteIdent, quoteLiteral, SqlDatabase } from './sql-driver';

/**
 * Creates the event tables if they are missing (safe to call on every start).
 *
 * `transaction_id` (xid8) lets a reader stop below the oldest transaction
 * still in flight, as Emmett's PostgreSQL store does. That alone is not
 * enough when rows are ordered by `global_position`: a transaction that took
 * its xid early but its positions late could commit positions above those
 * of a younger transaction still in flight, and a reader would pass them.
 * `reserve_global_positions` closes that gap: it takes the transaction's xid
 * and its positions together under a short lock (released at once, not held
 * to commit), so xid order and position order agree and
 * `transaction_id < pg_snapshot_xmin(pg_current_snapshot())` never lets a
 * reader skip an event whose transaction commits late.
 */
export async function createEventStoreSchema(db: SqlDatabase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const sequence = quoteLiteral(`${s}.events_global_position_seq`);
  const positionLock = `hashtext(${quoteLiteral(`referrals-append:${schema}`)})`;
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
    await tx.query(`CREATE OR REPLACE FUNCTION ${s}.reserve_global_positions(n integer)
      RETURNS bigint[] LANGUAGE plpgsql AS $fn$
      DECLARE
        positions bigint[];
      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'reserve_global_positions must come before the transaction''s first write';
        END IF;
        PERFORM pg_advisory_lock(${positionLock});
        BEGIN
          PERFORM pg_current_xact_id();
          positions := ARRAY(SELECT nextval(${sequence}) AS p FROM generate_series(1, n) ORDER BY p);
        EXCEPTION WHEN OTHERS OR query_canceled THEN
          -- A session lock outlives the transaction: never leave it behind on a pooled connection.
          PERFORM pg_advisory_unlock(${positionLock});
          RAISE;
        END;
        PERFORM pg_advisory_unlock(${positionLock});
        RETURN positions;
      END
      $fn$`);
  });
}
