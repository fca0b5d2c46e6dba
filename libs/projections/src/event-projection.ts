import { EventStore, failpoint, RecordedEvent } from '@referrals/event-store';
import { quoteIdent, SqlClient, SqlDatabase } from './sql-database';

/** A read model folded from the store's events: rows written by `apply`, inside the runner's transaction. */
export interface EventProjection {
  /** Names the projection's checkpoint. */
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * Keeps one projection caught up with the store: it reads the events after
 * its checkpoint and, in one transaction, applies them and moves the
 * checkpoint. The transaction first locks the checkpoint row and checks it
 * has not moved since the read: two processes (the API, the workers) may
 * catch up at once, and only one applies each event; the other reads again.
 * A crash anywhere leaves rows and checkpoint together, so nothing is
 * applied twice or skipped.
 *
 * Calls made while a run is going share the next run; every caller's promise
 * settles after a run that began after its call.
 */
export class ProjectionRunner {
  private readonly s: string;
  private tail: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    readonly projection: EventProjection,
    private readonly batchSize = 1000,
  ) {
    this.s = quoteIdent(schema);
  }

  catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.tail
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.drain();
      });
    this.queued = run;
    this.tail = run;
    return run;
  }

  async checkpoint(): Promise<bigint> {
    const rows = await this.db.query<{ position: string }>(
      `SELECT position::text AS position FROM ${this.s}.projection_checkpoints WHERE name = $1`,
      [this.projection.name],
    );
    return rows[0] ? BigInt(rows[0].position) : -1n;
  }

  /** Forgets the checkpoint (in the caller's transaction): the next catch-up folds every event again. */
  async reset(tx: SqlClient): Promise<void> {
    await tx.query(`DELETE FROM ${this.s}.projection_checkpoints WHERE name = $1`, [
      this.projection.name,
    ]);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const after = await this.checkpoint();
      const events = await this.store.readAll({
        after,
        maxCount: this.batchSize,
        streamPrefixes: this.projection.streamPrefixes,
      });
      if (events.length === 0) return;
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${this.s}.projection_checkpoints (name, position) VALUES ($1, -1)
           ON CONFLICT (name) DO NOTHING`,
          [this.projection.name],
        );
        const [locked] = await tx.query<{ position: string }>(
          `SELECT position::text AS position FROM ${this.s}.projection_checkpoints
           WHERE name = $1 FOR UPDATE`,
          [this.projection.name],
        );
        if (BigInt(locked.position) !== after) return; // another process applied them: read again
        await this.projection.apply(tx, events);
        failpoint(`projection.${this.projection.name}.before-checkpoint`);
        await tx.query(
          `UPDATE ${this.s}.projection_checkpoints SET position = $2 WHERE name = $1`,
          [this.projection.name, events[events.length - 1].globalPosition.toString()],
        );
      });
    }
  }
}
