import type { CheckpointStore } from '../event-store.port';
import { quoteIdent, SqlClient } from './sql-driver';

/** Subscription checkpoints in the `checkpoints` table of the event store's schema. */
export class SqlCheckpointStore implements CheckpointStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlClient,
    schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.checkpoints`;
  }

  async load(subscriptionId: string): Promise<bigint | undefined> {
    const rows = await this.db.query<{ position: string }>(
      `SELECT position::text AS position FROM ${this.table} WHERE subscription_id = $1`,
      [subscriptionId],
    );
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async store(subscriptionId: string, position: bigint): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} (subscription_id, position) VALUES ($1, $2)
       ON CONFLICT (subscription_id) DO UPDATE SET position = EXCLUDED.position`,
      [subscriptionId, position.toString()],
    );
  }
}
