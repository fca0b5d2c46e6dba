import type { SqlClient, SqlDatabase } from '@referrals/event-store';

/** One step of schema creation, safe to run again (`CREATE … IF NOT EXISTS`). */
export type Migration = (db: SqlDatabase, schema: string) => Promise<void>;

/**
 * Runs the schema steps of the read models and the ledger in one transaction
 * under a PostgreSQL advisory lock on the schema (the one the event tables
 * take too). `CREATE TABLE IF NOT EXISTS` is not safe against itself: two
 * workers starting together on a fresh schema both see no table, and one
 * fails on `pg_type_typname_nsp_index`. Under the lock the second waits, then
 * finds everything there.
 */
export async function migrate(
  db: SqlDatabase,
  schema: string,
  steps: readonly Migration[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`referrals-schema:${schema}`]);
    const inTransaction = withinTransaction(tx);
    for (const step of steps) await step(inTransaction, schema);
  });
}

/** The transaction as a database whose nested transactions join it. */
const withinTransaction = (tx: SqlClient): SqlDatabase => ({
  query: (text, params) => tx.query(text, params),
  transaction: (work) => work(tx),
  close: async () => undefined,
});
