import { Pool, PoolConfig } from 'pg';
import type { SqlClient, SqlDatabase } from './sql-driver';

/** PostgreSQL through a `pg` pool. */
export class PgDatabase implements SqlDatabase {
  private readonly pool: Pool;

  constructor(config: string | PoolConfig) {
    this.pool = new Pool(typeof config === 'string' ? { connectionString: config } : config);
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query(text, params as unknown[])).rows as R[];
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R>(text: string, params: readonly unknown[] = []) =>
          (await client.query(text, params as unknown[])).rows as R[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
