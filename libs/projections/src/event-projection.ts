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

  /**
   * Catches up until the projection is at or past `position` (an event just
   * appended to one of its streams), or `timeoutMs` passes: the store shows an event to readers only
   * once every transaction begun before it has ended, so the first catch-up
   * after an append may not see it yet under load. Past the timeout the
   * caller goes on; the next catch-up (the worker's tick) projects it.
   */
  async catchUpTo(position: bigint, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.catchUp();
      if ((await this.checkpoint()) >= position || Date.now() >= until) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
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
      if ((await this.applyAfter(after, events)) === 'busy') return;
    }
  }

  /** One batch and the checkpoint, in one transaction, if the checkpoint is still `after`. */
  private applyAfter(after: bigint, events: readonly RecordedEvent[]) {
    return this.db.transaction(async (tx): Promise<'applied' | 'moved' | 'busy'> => {
      // A client that dies mid-batch (a cut connection) must not hold the checkpoint, nor the
      // store's visibility horizon, for long: the server ends such a transaction.
      await tx.query(`SET LOCAL idle_in_transaction_session_timeout = '15s'`);
      await tx.query(
        `INSERT INTO ${this.s}.projection_checkpoints (name, position) VALUES ($1, -1)
         ON CONFLICT (name) DO NOTHING`,
        [this.projection.name],
      );
      // SKIP LOCKED: while another process applies a batch, this one does not queue behind it
      // (nor behind a transaction whose client died); its caller polls if it must wait.
      const [locked] = await tx.query<{ position: string }>(
        `SELECT position::text AS position FROM ${this.s}.projection_checkpoints
         WHERE name = $1 FOR UPDATE SKIP LOCKED`,
        [this.projection.name],
      );
      if (!locked) return 'busy';
      if (BigInt(locked.position) !== after) return 'moved'; // another process applied them
      await this.projection.apply(tx, events);
      failpoint(`projection.${this.projection.name}.before-checkpoint`);
      await tx.query(`UPDATE ${this.s}.projection_checkpoints SET position = $2 WHERE name = $1`, [
        this.projection.name,
        events[events.length - 1].globalPosition.toString(),
      ]);
      return 'applied';
    });
  }
}
