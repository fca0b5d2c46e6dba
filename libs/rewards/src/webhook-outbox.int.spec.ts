import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { createLedgerSchema } from './ledger.schema';
import { holdOpen, untilWaiting } from './testing/lock-waits';
import { markOutboxRows } from './webhook-outbox';

const schema = `outbox_marks_${process.pid}`;
const s = quoteIdent(schema);
const table = `${s}.webhook_outbox`;
const AT = '2026-05-01T10:00:00.000Z';

/** 2000 rows, stored in descending id order: a scan of the table meets them the other way round from the index. */
const ids = Array.from({ length: 2000 }, (_, i) => `dl_${String(i).padStart(4, '0')}`);

/**
 * Workers mark outbox rows side by side (one dispatching, another sweeping),
 * and their sets overlap. PostgreSQL picks a plan per set: a few rows by the
 * primary key's index (ascending ids), many by a scan of the table (the order
 * they are stored in). Updated as they are found, two such sets took their
 * shared rows in opposite orders: "deadlock detected". Locked first in id
 * order, the second waits for the first.
 */
describe('marking webhook outbox rows (PostgreSQL)', () => {
  let stores: OpenStores;

  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createLedgerSchema(stores.sql, schema);
    await stores.sql.query(
      `INSERT INTO ${table} (delivery_id, program, type, data, position)
       SELECT id, 'callrail', 'reward.earned', '{}', n FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)`,
      [[...ids].reverse()],
    );
    await stores.sql.query(`ANALYZE ${table}`);
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  it('marks overlapping sets at once, in opposite orders, without a deadlock', async () => {
    const middle = ids[1000];
    const few = ids.slice(998, 1003).reverse();
    // A third transaction holds the middle row: both marks run up to it and queue there.
    const gate = holdOpen(stores.sql, async (tx) => {
      await tx.query(`SELECT 1 FROM ${table} WHERE delivery_id = $1 FOR UPDATE`, [middle]);
    });
    await gate.held;
    const marks = Promise.allSettled([
      markOutboxRows(stores.sql, s, ids, 'enqueued_at', AT),
      markOutboxRows(stores.sql, s, few, 'delivered_at', AT, 'delivered'),
    ]);
    await untilWaiting(stores.sql, table, 2);
    gate.release();
    await gate.done;

    const settled = await marks;
    expect(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'fulfilled',
      'fulfilled',
    ]);
    const [counts] = await stores.sql.query<{ enqueued: number; delivered: number }>(
      `SELECT count(enqueued_at)::int AS enqueued, count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered
       FROM ${table}`,
    );
    expect(counts).toEqual({ enqueued: ids.length, delivered: few.length });
  });
});
