import type { SqlClient, SqlDatabase } from '@referrals/event-store';

/** Test helpers for races on row locks: hold a lock, and wait until others queue behind it. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds a transaction open until `release` is called; `held` resolves once its work is done. */
export function holdOpen(db: SqlDatabase, work: (tx: SqlClient) => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const done = db
    .transaction(async (tx) => {
      await work(tx);
      held();
      await released;
      throw new Error('rolled back on purpose');
    })
    .catch((error: Error) => {
      if (error.message !== 'rolled back on purpose') throw error;
    });
  return { held: isHeld, release, done };
}

/** Waits (10 s at most) until `n` backends wait for a lock in a statement that names `table`. */
export async function untilWaiting(db: SqlDatabase, table: string, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [{ waiting }] = await db.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [`%${table}%`],
    );
    if (waiting >= n) return;
    await sleep(20);
  }
  throw new Error(`fewer than ${n} statements on ${table} ever waited for a lock`);
}
