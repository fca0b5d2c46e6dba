import { Pool, PoolClient, PoolConfig } from 'pg';
import type { SqlClient, SqlDatabase } from './sql-driver';

export interface PgDatabaseOptions {
  /** Told of connection errors the pool survives (a PostgreSQL restart, a cut network). */
  readonly onError?: (error: Error) => void;
}

/**
 * PostgreSQL through a `pg` pool that outlives PostgreSQL: a restart sends
 * "terminating connection due to administrator command" to every open
 * connection, which `pg` emits as an `error` event on the pool (idle clients)
 * or on the client (checked out); with no listener that event would end the
 * process. Here both are heard, the broken client is dropped, and the next
 * query opens a new connection once PostgreSQL answers again.
 */
export class PgDatabase implements SqlDatabase {
  private readonly pool: Pool;

  constructor(config: string | PoolConfig, options: PgDatabaseOptions = {}) {
    this.pool = new Pool({
      // A server that does not answer fails the caller in seconds rather than hanging it (10 s: a busy host is not an outage).
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      ...(typeof config === 'string' ? { connectionString: config } : config),
    });
    const onError =
      options.onError ??
      ((error: Error) => process.stderr.write(`postgres: connection lost: ${error.message}\n`));
    this.pool.on('error', onError);
    // Every client, from its first connection: the pool's own listener covers it only while idle.
    this.pool.on('connect', (client) => client.on('error', onError));
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query(text, params as unknown[])).rows as R[];
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R>(text: string, params: readonly unknown[] = []) =>
          (await client.query(text, params as unknown[])).rows as R[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      // A connection that failed its ROLLBACK is not given back to others.
      release(client, broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

function release(client: PoolClient, broken?: Error): void {
  try {
    client.release(broken);
  } catch {
    // Already released by a connection error: nothing to give back.
  }
}
