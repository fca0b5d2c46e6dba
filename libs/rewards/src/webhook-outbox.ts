import { failpoint, quoteIdent, SqlDatabase } from '@referrals/event-store';
import type { Deliveries } from './deliveries';
import { lockInKeyOrder } from './lock-in-key-order';
import type { Delivery } from './webhook-sender';

/**
 * Sends what the outbox projection says upstream is owed. Redis carries each
 * send (a BullMQ job whose id is the delivery's); the outbox row says whether
 * it got there. A row queued but never delivered is queued again by the sweep
 * when Redis has no job for it (Redis lost it), so no webhook is lost; a job
 * Redis reports done marks its row delivered (a crash came between).
 */
export class WebhookOutbox {
  private readonly s: string;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly deliveries: Deliveries,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.s = quoteIdent(schema);
  }

  /** Queues the owed deliveries not queued yet; a program without an endpoint has nobody to tell. */
  async dispatch(limit = 1000): Promise<number> {
    const rows = await this.pendingRows('enqueued_at IS NULL', limit);
    if (rows.length === 0) return 0;
    const wanted = rows.filter((d) => this.deliveries.hasEndpoint(d.program));
    const unwanted = rows.filter((d) => !this.deliveries.hasEndpoint(d.program));
    await this.deliveries.enqueue(wanted);
    failpoint('outbox.after-enqueue');
    await this.mark(wanted, 'enqueued_at');
    await this.mark(unwanted, 'delivered_at', 'no_endpoint');
    return wanted.length;
  }

  /**
   * The sweep: queued deliveries Redis has no job for go again, and so do
   * those that failed by stalling (workers killed mid-send); jobs done mark
   * their rows. A delivery its receiver kept refusing stays a dead letter.
   */
  async redrive(limit = 10_000): Promise<number> {
    const rows = await this.pendingRows('enqueued_at IS NOT NULL', limit);
    const states = await Promise.all(
      rows.map((d) => this.deliveries.raw.getJobState(d.deliveryId)),
    );
    const lost = rows.filter((_, i) => states[i] === 'unknown');
    const done = rows.filter((_, i) => states[i] === 'completed');
    const failed = rows.filter((_, i) => states[i] === 'failed');
    await this.deliveries.enqueue(lost);
    const stalled = await Promise.all(
      failed.map((d) => this.deliveries.retryIfStalled(d.deliveryId)),
    );
    await this.mark(done, 'delivered_at', 'delivered');
    return lost.length + stalled.filter(Boolean).length;
  }

  async markDelivered(deliveryId: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.s}.webhook_outbox SET delivered_at = $2, outcome = 'delivered'
       WHERE delivery_id = $1 AND delivered_at IS NULL`,
      [deliveryId, this.clock().toISOString()],
    );
  }

  /** Deliveries owed and not yet queued, for a worker that waits until all is sent. */
  async unqueued(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${this.s}.webhook_outbox
       WHERE delivered_at IS NULL AND enqueued_at IS NULL`,
    );
    return Number(row.n);
  }

  private async pendingRows(where: string, limit: number): Promise<Delivery[]> {
    const rows = await this.db.query<{
      delivery_id: string;
      program: string;
      type: Delivery['type'];
      data: Delivery['data'] | string;
    }>(
      `SELECT delivery_id, program, type, data FROM ${this.s}.webhook_outbox
       WHERE delivered_at IS NULL AND ${where} ORDER BY position LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      program: r.program,
      type: r.type,
      data: typeof r.data === 'string' ? (JSON.parse(r.data) as Delivery['data']) : r.data,
    }));
  }

  private async mark(
    rows: readonly Delivery[],
    column: 'enqueued_at' | 'delivered_at',
    outcome?: string,
  ): Promise<void> {
    const ids = rows.map((d) => d.deliveryId);
    await markOutboxRows(this.db, this.s, ids, column, this.clock().toISOString(), outcome);
  }
}

/**
 * Marks outbox rows queued or delivered. Two marks of overlapping rows run at
 * once (workers dispatching and sweeping side by side), so the rows are locked
 * first in delivery id order, as every writer of a shared table locks: an
 * `UPDATE ... = ANY` alone locks in plan order, and two plans (a small set by
 * its index, a large one by a scan of the table) took shared rows in opposite
 * orders, a deadlock. `s` is the quoted schema.
 */
export async function markOutboxRows(
  db: SqlDatabase,
  s: string,
  deliveryIds: readonly string[],
  column: 'enqueued_at' | 'delivered_at',
  at: string,
  outcome?: string,
): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db.transaction(async (tx) => {
    await lockInKeyOrder(tx, `${s}.webhook_outbox`, 'delivery_id', deliveryIds);
    await tx.query(
      `UPDATE ${s}.webhook_outbox SET ${column} = $2, outcome = COALESCE($3, outcome)
       WHERE delivery_id = ANY($1::text[])`,
      [deliveryIds, at, outcome ?? null],
    );
  });
}
