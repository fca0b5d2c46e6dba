import {
  openStores,
  OpenStores,
  quoteIdent,
  RecordedEvent,
  SqlClient,
  SqlDatabase,
} from '@referrals/event-store';
import { createReadModelSchema } from '@referrals/projections';
import { createLedgerSchema, RewardLifecycleProjection } from '@referrals/rewards';
import { migrate } from './migrations';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STEPS = [createReadModelSchema, createLedgerSchema];

/** Resolves once a backend runs a statement on this schema that waits for a lock (or `done` says stop). */
async function untilWaiting(
  db: SqlDatabase,
  s: string,
  what: string,
  done: () => boolean,
): Promise<void> {
  while (!done()) {
    const [{ waiting }] = await db.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND query LIKE $1 AND query LIKE $2`,
      [`%${s}.%`, `%${what}%`],
    );
    if (waiting > 0) return;
    await sleep(20);
  }
}

/** The transaction's client, stopping before the first statement that contains `before` until released. */
function pausingBefore(tx: SqlClient, before: string) {
  let reached!: () => void;
  const paused = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const client: SqlClient = {
    query: async (text, params) => {
      if (text.includes(before)) {
        reached();
        await released;
      }
      return tx.query(text, params);
    },
  } as SqlClient;
  return { client, paused, release };
}

/**
 * The schema steps run at every start of the API and of each worker, while
 * the other processes work. A step that takes a lock on a table in use
 * (`CREATE INDEX IF NOT EXISTS` takes SHARE even when the index is there,
 * `ADD COLUMN IF NOT EXISTS` ACCESS EXCLUSIVE even when the column is) meets
 * the lifecycle projection's transaction, which locks reward rows (ROW
 * SHARE) and then writes them (ROW EXCLUSIVE): each ends up waiting for the
 * other, and the starting process fails with "deadlock detected".
 */
describe('schema steps at start-up (PostgreSQL)', () => {
  let stores: OpenStores;
  const schema = `migrations_${process.pid}`;
  const s = quoteIdent(schema);

  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await migrate(stores.sql, schema, STEPS);
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  it('run again without waiting for, or deadlocking with, the lifecycle projection mid-batch', async () => {
    const rewardId = `rw_${'a'.repeat(32)}`;
    await stores.store.appendToStream(`referral:callrail:${rewardId}`, [
      {
        eventId: `earned-${rewardId}`,
        type: 'RewardEarned',
        data: {
          rewardId,
          referralId: `callrail:x-corp`,
          triggerId: 'four_invoices',
          program: 'callrail',
          referrerAccountId: 'agency-a',
          refereeAccountId: 'x-corp',
          beneficiaryAccountId: 'agency-a',
          role: 'referrer',
          kind: 'account_credit',
          amount: 5000,
          unit: 'USD',
          earnedAt: '2026-05-01T10:10:00.000Z',
        },
      },
    ]);
    const events: RecordedEvent[] = await stores.store.readAll({ after: -1n, maxCount: 10 });
    const projection = new RewardLifecycleProjection(schema);
    // The projection has locked its rows and is about to write them when another process starts.
    let pause!: ReturnType<typeof pausingBefore>;
    const folding = stores.sql.transaction(async (tx) => {
      pause = pausingBefore(tx, `INSERT INTO ${s}.reward_view`);
      await projection.apply(pause.client, events);
    });
    while (!pause) await sleep(5);
    await pause.paused;

    let started = false;
    const starting = migrate(stores.sql, schema, STEPS).finally(() => (started = true));
    // Unfixed, the steps stop at ADD COLUMN behind the projection; fixed, they finish at once.
    await untilWaiting(stores.sql, s, 'ALTER TABLE', () => started);
    pause.release();

    const settled = await Promise.allSettled([folding, starting]);
    expect(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'fulfilled',
      'fulfilled',
    ]);
    const rows = await stores.sql.query<{ reward_id: string }>(
      `SELECT reward_id FROM ${s}.reward_view`,
    );
    expect(rows).toEqual([{ reward_id: rewardId }]);
  });

  it('still add what an older schema lacks', async () => {
    const old = `migrations_old_${process.pid}`;
    const o = quoteIdent(old);
    try {
      // reward_view as it was before batches and expiries, with no indexes.
      await stores.sql.query(`CREATE SCHEMA ${o}`);
      await stores.sql.query(`CREATE TABLE ${o}.reward_view (
        reward_id text PRIMARY KEY, program text NOT NULL, beneficiary_account_id text NOT NULL,
        kind text NOT NULL, unit text NOT NULL, amount bigint NOT NULL, status text NOT NULL,
        earned_at timestamptz NOT NULL, view jsonb NOT NULL)`);
      await migrate(stores.sql, old, STEPS);
      await migrate(stores.sql, old, STEPS); // and again, finding everything there
      const columns = await stores.sql.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'reward_view' AND column_name IN ('batch_id', 'expired_at')
         ORDER BY column_name`,
        [old],
      );
      expect(columns.map((c) => c.column_name)).toEqual(['batch_id', 'expired_at']);
      const indexes = await stores.sql.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname NOT LIKE '%pkey'
         AND indexname NOT LIKE '%_key' ORDER BY indexname`,
        [old],
      );
      expect(indexes.map((i) => i.indexname)).toEqual([
        'referral_view_by_referrer',
        'reward_ledger_by_account',
        'reward_view_by_beneficiary',
        'reward_view_by_status',
        'webhook_outbox_undelivered',
      ]);
    } finally {
      await stores.sql.query(`DROP SCHEMA IF EXISTS ${o} CASCADE`);
    }
  });
});
