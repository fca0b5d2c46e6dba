import { PgDatabase, quoteIdent } from '@referrals/event-store';

/** Drops a test's schema over a connection of its own, once what used it has stopped. */
export async function dropSchema(url: string, schema: string) {
  const direct = new PgDatabase(url, { onError: () => undefined });
  try {
    await direct.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await direct.close();
  }
}
