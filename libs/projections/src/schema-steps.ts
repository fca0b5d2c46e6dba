import { quoteIdent, SqlClient } from './sql-database';

/**
 * Schema steps that take no lock on a table when there is nothing to do.
 * They run at every start of the API and of each worker, while the others
 * work: `CREATE INDEX IF NOT EXISTS` takes SHARE on its table even when the
 * index is there, and `ADD COLUMN IF NOT EXISTS` ACCESS EXCLUSIVE even when
 * the column is. A start-up holding SHARE on reward_view and asking for
 * ACCESS EXCLUSIVE meets the lifecycle projection holding ROW SHARE (its
 * rows locked) and asking for ROW EXCLUSIVE (to write them): a deadlock.
 * The catalog is read first, without locks; the DDL runs only for what is
 * missing (a new or an older schema). Schema steps run one at a time, under
 * the schema's advisory lock, so nothing creates the object in between.
 */

/** `CREATE INDEX name ON table (…)` when the schema has no relation of that name. */
export async function createIndexIfMissing(
  db: SqlClient,
  schema: string,
  name: string,
  on: string,
): Promise<void> {
  const s = quoteIdent(schema);
  const [{ found }] = await db.query<{ found: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS found`,
    [`${s}.${quoteIdent(name)}`],
  );
  if (!found) await db.query(`CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${s}.${on}`);
}

/** `ALTER TABLE … ADD COLUMN` when the table has no such column. */
export async function addColumnIfMissing(
  db: SqlClient,
  schema: string,
  table: string,
  column: string,
  type: string,
): Promise<void> {
  const s = quoteIdent(schema);
  const [{ found }] = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute
       WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) AS found`,
    [`${s}.${quoteIdent(table)}`, column],
  );
  if (!found)
    await db.query(
      `ALTER TABLE ${s}.${quoteIdent(table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column)} ${type}`,
    );
}
