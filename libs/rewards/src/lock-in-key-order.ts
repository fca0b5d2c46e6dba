import type { SqlClient } from '@referrals/event-store';

/**
 * Locks the rows of `table` whose `key` is one of `keys`, for the rest of the
 * transaction (outside one, just reads them), and returns their `columns`.
 * Always in the key's byte order (`COLLATE "C"`, whatever the database's
 * collation): two transactions that lock overlapping sets then take their
 * shared rows in the same order and cannot deadlock. An `UPDATE ... = ANY`
 * locks in plan order instead, which a seq scan, an index scan and a bitmap
 * scan each see differently. `table`, `key` and `columns` are SQL text from
 * code, never from requests.
 */
export function lockInKeyOrder<R>(
  tx: SqlClient,
  table: string,
  key: string,
  keys: readonly string[],
  columns: string = key,
): Promise<R[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return tx.query<R>(
    `SELECT ${columns} FROM ${table} WHERE ${key} = ANY($1::text[])
     ORDER BY ${key} COLLATE "C" FOR UPDATE`,
    [keys],
  );
}
