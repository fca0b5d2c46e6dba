import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlDatabase } from './sql-driver';

/** PGlite, the embedded PostgreSQL: one connection in this process, file-backed or in memory. */
export class PgliteDatabase implements SqlDatabase {
  private constructor(private readonly db: PGlite) {}

  /** `memory://` keeps it in memory; any other value is a folder for its files. */
  static async open(dataDir: string): Promise<PgliteDatabase> {
    if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
    return new PgliteDatabase(db);
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(text, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <R>(text: string, params: readonly unknown[] = []) =>
          (await tx.query<R>(text, params as unknown[])).rows,
      }),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
