import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { RewardView } from '@referrals/domain';
import { EventStore, openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { createReadModelSchema, ProjectionRunner, ReadModelWriter } from '@referrals/projections';
import { createLedgerSchema } from './ledger.schema';
import { PAYOUT_QUEUE, payoutJobHandler, PayoutQueue } from './payout-queue';
import { RewardLifecycleProjection } from './projections/reward-lifecycle.projection';
import { RewardPayout, RewardPayoutOptions } from './reward-payout';
import { rewardStream } from './reward/reward.events';

const schema = `payout_${process.pid}`;
const reward = (id: string, overrides: Partial<RewardView> = {}): RewardView => ({
  rewardId: id,
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: 'x-corp',
  beneficiaryAccountId: 'agency-a',
  role: 'referrer',
  kind: 'account_credit',
  amount: 5000,
  unit: 'USD',
  status: 'earned',
  earnedAt: '2026-05-01T10:10:00.000Z',
  ...overrides,
});

/** Fails the first append it is given, as a database gone at that moment would. */
const crashingOnce = (store: EventStore): EventStore => {
  let crashed = false;
  return new Proxy(store, {
    get(target, key, receiver) {
      if ((key === 'appendToStream' || key === 'appendBatch') && !crashed) {
        return async () => {
          crashed = true;
          throw new Error('crashed before the append');
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
};

/** Waits (30 s at most) until the lifecycle projection of a schema has folded every stored event. */
async function projected(stores: OpenStores, schema: string): Promise<void> {
  const [{ head }] = await stores.sql.query<{ head: string | null }>(
    `SELECT max(global_position)::text AS head FROM ${quoteIdent(schema)}.events
     WHERE stream_id LIKE 'referral:%' OR stream_id LIKE 'reward:%'`,
  );
  const runner = new ProjectionRunner(
    stores.sql,
    schema,
    stores.store,
    new RewardLifecycleProjection(schema),
  );
  await runner.catchUpTo(BigInt(head ?? '-1'), 30_000);
}

describe('paying rewards exactly once (PostgreSQL + Redis)', () => {
  let stores: OpenStores;
  let redis: IORedis;
  let views: ReadModelWriter;
  /** A payout over this schema's store (or the one given), its ledger the lifecycle projection's. */
  const payoutOver = (store: EventStore = stores.store, options: RewardPayoutOptions = {}) =>
    new RewardPayout(
      stores.sql,
      schema,
      store,
      new ProjectionRunner(stores.sql, schema, stores.store, new RewardLifecycleProjection(schema)),
      options,
    );
  /** Another database (its own events, views and ledger), as a new deployment on the same Redis. */
  const newDatabase = async () => {
    const other = `${schema}_again_${Math.random().toString(36).slice(2, 8)}`;
    const fresh = await openStores({
      kind: 'postgres',
      url: process.env.DATABASE_URL,
      schema: other,
    });
    await createReadModelSchema(fresh.sql, other);
    await createLedgerSchema(fresh.sql, other);
    const lifecycle = new ProjectionRunner(
      fresh.sql,
      other,
      fresh.store,
      new RewardLifecycleProjection(other),
    );
    return {
      stores: fresh,
      schema: other,
      views: new ReadModelWriter(fresh.sql, other),
      payout: new RewardPayout(fresh.sql, other, fresh.store, lifecycle),
      ledgerOf: async (rewardId: string) => {
        await projected(fresh, other);
        return fresh.sql.query<{ entry: string; amount: string }>(
          `SELECT entry, amount::text AS amount FROM ${quoteIdent(other)}.reward_ledger WHERE reward_id = $1`,
          [rewardId],
        );
      },
      close: async () => {
        await fresh.sql.query(`DROP SCHEMA ${quoteIdent(other)} CASCADE`);
        await fresh.sql.close();
      },
    };
  };
  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await createLedgerSchema(stores.sql, schema);
    views = new ReadModelWriter(stores.sql, schema);
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await stores.sql.close();
    await redis.quit();
  });

  /**
   * The ledger once the lifecycle projection has folded every event stored so far (the store
   * shows an event to readers only once the transactions begun before it have ended).
   */
  const ledgerOf = async (rewardId: string) => {
    await projected(stores, schema);
    return stores.sql.query<{ entry: string; amount: string }>(
      `SELECT entry, amount::text AS amount FROM ${quoteIdent(schema)}.reward_ledger WHERE reward_id = $1 ORDER BY entry_id`,
      [rewardId],
    );
  };

  it('credits the ledger once and records RewardPaid once, however often it is asked', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({ referrals: [], rewards: [reward(id)] });
    const payout = payoutOver();
    expect(await payout.pay(id)).toBe('paid');
    expect(await payout.pay(id)).toBe('already_done');
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
    expect((await stores.store.readStream(rewardStream(id))).map((e) => e.type)).toEqual([
      'RewardPaid',
    ]);
  });

  it('pays rewards asked for at once in shared batches, each once, even when asked twice', async () => {
    const ids = Array.from({ length: 60 }, () => `rw_${randomUUID()}`);
    await views.write({ referrals: [], rewards: ids.map((id) => reward(id)) });
    const payout = payoutOver(stores.store, { maxBatchSize: 25 });
    const outcomes = await Promise.all([...ids, ...ids].map((id) => payout.pay(id)));
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(60);
    expect(outcomes.filter((o) => o === 'already_done')).toHaveLength(60);
    await projected(stores, schema); // a payout waits for the ledger only so long
    const [row] = await stores.sql.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${quoteIdent(schema)}.reward_ledger WHERE reward_id = ANY($1::text[])`,
      [ids],
    );
    expect(Number(row.n)).toBe(60);
    for (const id of ids.slice(0, 3))
      expect((await stores.store.readStream(rewardStream(id))).map((e) => e.type)).toEqual([
        'RewardPaid',
      ]);
  });

  it('answers a reward asked for twice in one batch as paid once, then already done', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({ referrals: [], rewards: [reward(id)] });
    const payout = payoutOver();
    const outcomes = await payout.payMany([id, id]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['paid', 'already_done']);
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
  });

  it('holds cash for approval instead of paying it', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({ referrals: [], rewards: [reward(id, { kind: 'cash', amount: 100000 })] });
    const payout = payoutOver();
    expect(await payout.pay(id)).toBe('awaiting_approval');
    expect(await ledgerOf(id)).toEqual([{ entry: 'cash_owed', amount: '100000' }]);
  });

  it('pays nothing when its append fails, and pays once when asked again', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({ referrals: [], rewards: [reward(id)] });
    const payout = payoutOver(crashingOnce(stores.store));
    await expect(payout.pay(id)).rejects.toThrow('crashed');
    expect(await ledgerOf(id)).toEqual([]);
    expect(await payout.pay(id)).toBe('paid');
    expect(await payout.pay(id)).toBe('already_done');
    expect(await ledgerOf(id)).toHaveLength(1);
    expect(await stores.store.readStream(rewardStream(id))).toHaveLength(1);
  });

  it('takes back bonus minutes at expiresAt with an expiry entry, once', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({
      referrals: [],
      rewards: [
        reward(id, {
          kind: 'bonus_minutes',
          unit: 'minutes',
          amount: 90,
          expiresAt: '2026-02-10T12:30:00.000Z',
        }),
      ],
    });
    const payout = payoutOver(stores.store, { clock: () => new Date('2026-02-01T00:00:00Z') });
    await payout.pay(id);
    await projected(stores, schema);
    expect(await payout.expireDue(new Date('2026-02-10T12:29:59Z'))).toEqual([]);
    expect(await payout.expireDue(new Date('2026-02-10T12:30:00Z'))).toContain(id);
    expect(await payout.expireDue(new Date('2026-03-01T00:00:00Z'))).not.toContain(id);
    expect((await stores.store.readStream(rewardStream(id))).map((e) => e.type)).toEqual([
      'RewardPaid',
      'RewardExpired',
    ]);
    expect(await ledgerOf(id)).toEqual([
      { entry: 'credit', amount: '90' },
      { entry: 'expiry', amount: '-90' },
    ]);
  });

  /** A reward's RewardEarned stored in its referral's stream, not yet folded into the views. */
  const storeEarnedOnly = async (id: string, store: EventStore = stores.store) => {
    const { status: _status, ...facts } = reward(id);
    await store.appendToStream(`referral:callrail:${id}`, [
      {
        eventId: `earned-${id}`,
        type: 'RewardEarned',
        data: { ...facts, referralId: `callrail:${id}`, triggerId: 'four_invoices' },
      },
    ]);
  };

  it('pays a reward whose RewardEarned is stored but not yet in the views, folding it in first', async () => {
    const id = `rw_${randomUUID()}`;
    await storeEarnedOnly(id);
    // However busy the machine, this payout waits for the fold (a job would be tried again).
    expect(await payoutOver(stores.store, { projectionWaitMs: 30_000 }).pay(id)).toBe('paid');
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
  });

  /** What the promise settles to within 3 s, or that it was still waiting. */
  const within3s = <T>(promise: Promise<T>) =>
    Promise.race([
      promise,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3_000)),
    ]);

  /** The lifecycle projection behind a backlog: its catch-ups wait until `drained()`. */
  const behindABacklog = (over: OpenStores = stores, overSchema = schema) => {
    const runner = new ProjectionRunner(
      over.sql,
      overSchema,
      over.store,
      new RewardLifecycleProjection(overSchema),
    );
    let drained!: () => void;
    const backlog = new Promise<void>((resolve) => (drained = resolve));
    const lifecycle = new Proxy(runner, {
      get(target, key, receiver) {
        if (key !== 'catchUp') return Reflect.get(target, key, receiver);
        return () => backlog.then(() => target.catchUp());
      },
    });
    return { lifecycle, drained };
  };

  it('pays without waiting out a projection behind a backlog: a job is one short step', async () => {
    const id = `rw_${randomUUID()}`;
    await views.write({ referrals: [], rewards: [reward(id)] });
    const { lifecycle, drained } = behindABacklog();
    const payout = new RewardPayout(stores.sql, schema, stores.store, lifecycle);
    const paying = payout.pay(id);
    expect(await within3s(paying)).toBe('paid');
    drained();
    await paying;
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
  });

  it('answers not yet known, without waiting out the backlog, for a reward earned but not yet folded', async () => {
    // A database of its own: a catch-up an earlier test left running past its wait would
    // fold this reward into shared views, and the payout would rightly pay it.
    const fresh = await newDatabase();
    try {
      const id = `rw_${randomUUID()}`;
      await storeEarnedOnly(id, fresh.stores.store);
      const { lifecycle, drained } = behindABacklog(fresh.stores, fresh.schema);
      const payout = new RewardPayout(
        fresh.stores.sql,
        fresh.schema,
        fresh.stores.store,
        lifecycle,
      );
      const paying = payout.pay(id);
      expect(await within3s(paying)).toBe('not_yet_known');
      drained();
      await paying;
      // The job tried again once the projection has folded it: paid, once.
      await projected(fresh.stores, fresh.schema);
      expect(await payout.pay(id)).toBe('paid');
      expect(await fresh.ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
    } finally {
      await fresh.close();
    }
  });

  it('answers not yet known for a reward the read model has not seen, so the job retries', async () => {
    const payout = payoutOver();
    expect(await payout.pay('rw_unknown')).toBe('not_yet_known');
  });

  describe('through the BullMQ payouts queue', () => {
    let prefix: string;
    let queue: PayoutQueue;
    beforeEach(() => {
      prefix = `test-${randomUUID()}`;
      queue = new PayoutQueue(new Queue(PAYOUT_QUEUE, { connection: redis, prefix }));
    });
    afterEach(async () => {
      await queue.raw.obliterate({ force: true });
      await queue.raw.close();
    });

    /** Waits (two seconds at most) for the reward's ledger entry: done jobs leave no trace to wait on. */
    const untilCredited = async (id: string, ledger = ledgerOf) => {
      for (let i = 0; i < 100 && (await ledger(id)).length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };

    /** A plain BullMQ worker running the payouts processor's handler. */
    const work = (payout: RewardPayout) =>
      new Worker(PAYOUT_QUEUE, payoutJobHandler(payout), {
        connection: redis,
        prefix,
        concurrency: 20,
      });

    const drained = async (ids: string[]) => {
      const connection = redis.duplicate();
      const events = new QueueEvents('payouts', { connection, prefix });
      await events.waitUntilReady();
      try {
        await Promise.all(
          ids.map(async (id) => {
            const job = await Job.fromId(queue.raw, id);
            if (job && !(await job.isCompleted())) await job.waitUntilFinished(events, 10_000);
          }),
        );
      } finally {
        await events.close();
        await connection.quit();
      }
    };

    it('pays every reward once, even when a duplicate job for it runs too', async () => {
      const ids = [`rw_${randomUUID()}`, `rw_${randomUUID()}`];
      await views.write({ referrals: [], rewards: ids.map((id) => reward(id)) });
      const payout = payoutOver();
      await queue.enqueue(ids);
      await queue.enqueue(ids); // the same job ids: not added again
      // A duplicate under another job id, as a stalled job run twice would be.
      await queue.raw.add('pay', { rewardId: ids[0] }, { jobId: `${ids[0]}-again` });
      expect(await queue.raw.getJobCountByTypes('waiting')).toBe(3);
      const worker = work(payout);
      await drained([...ids, `${ids[0]}-again`]);
      await worker.close();
      for (const id of ids)
        expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
    });

    it('pays a reward whose earlier job is done, when it is to be paid again (a new database on the same Redis)', async () => {
      const id = `rw_${randomUUID()}`;
      await views.write({ referrals: [], rewards: [reward(id)] });
      const payout = payoutOver();
      const first = work(payout);
      await queue.enqueue([id]);
      await drained([id]);
      await untilCredited(id);
      await first.close();
      const fresh = await newDatabase();
      await fresh.views.write({ referrals: [], rewards: [reward(id)] });
      await queue.enqueue([id]);
      expect(await queue.raw.getJobCountByTypes('wait')).toBe(1);
      const second = work(fresh.payout);
      await untilCredited(id, fresh.ledgerOf);
      await second.close();
      expect(await fresh.ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
      await fresh.close();
    });

    it('runs again, on the sweep, a kept job that is done while its reward shows unpaid', async () => {
      const id = `rw_${randomUUID()}`;
      const payout = payoutOver();
      await views.write({ referrals: [], rewards: [reward(id)] });
      // A job kept after it completed, as earlier versions kept them a day.
      await queue.raw.add('pay', { rewardId: id }, { jobId: id, removeOnComplete: false });
      const first = work(payout);
      await drained([id]);
      await first.close();
      const fresh = await newDatabase();
      await fresh.views.write({ referrals: [], rewards: [reward(id)] });
      await queue.enqueue([id]); // the kept job holds the id: a no-op
      expect(await queue.raw.getJobState(id)).toBe('completed');
      await queue.sweep(fresh.payout);
      const second = work(fresh.payout);
      await untilCredited(id, fresh.ledgerOf);
      await second.close();
      expect(await fresh.ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
      await fresh.close();
    });

    it('retries, on the sweep, a payout that used up its attempts', async () => {
      const id = `rw_${randomUUID()}`;
      const payout = payoutOver();
      // Its job runs before the reward reaches the read model, and fails for good.
      await queue.raw.add('pay', { rewardId: id }, { jobId: id, attempts: 1 });
      const early = work(payout);
      for (let i = 0; i < 100 && (await queue.raw.getJobCountByTypes('failed')) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await early.close();
      expect(await queue.raw.getJobCountByTypes('failed')).toBe(1);

      await views.write({ referrals: [], rewards: [reward(id)] });
      await queue.sweep(payout);
      const worker = work(payout);
      await drained([id]);
      await worker.close();
      expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '5000' }]);
    });

    it('loses nothing when Redis loses its jobs: the sweep finds the unpaid rewards again', async () => {
      const id = `rw_${randomUUID()}`;
      await views.write({ referrals: [], rewards: [reward(id)] });
      const payout = payoutOver();
      await queue.enqueue([id]);
      await queue.raw.obliterate({ force: true }); // as a flushed Redis would
      expect(await queue.raw.getJobCountByTypes('waiting')).toBe(0);
      expect(await queue.sweep(payout)).toBeGreaterThanOrEqual(1);
      const worker = work(payout);
      await drained([id]);
      await worker.close();
      expect(await ledgerOf(id)).toHaveLength(1);
    });
  });
});
