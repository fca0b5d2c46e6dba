import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { RewardView } from '@referrals/domain';
import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { createReadModelSchema, ProjectionRunner, ReadModelWriter } from '@referrals/projections';
import {
  createLedgerSchema,
  PAYOUT_QUEUE,
  payoutJobHandler,
  PayoutJob,
  PayoutQueue,
  RewardLifecycleProjection,
  RewardPayout,
  rewardStream,
} from '@referrals/rewards';
import { PrivateRedis } from '../support/private-redis';

/**
 * BullMQ holds a job by a lock it renews from a timer. A job outlives its
 * lock when its process's event loop is blocked past the lock's duration, or
 * when Redis loses the lock (restarted empty) and the sweep queues the
 * reward again while the first run is still going. Either way the job runs
 * twice, and the first run's completion is refused ("Missing lock for job").
 * The payment is the reward stream's append at its expected version, so the
 * second run finds it paid and pays nothing: one RewardPaid, one credit.
 */
const schema = `faults_lost_lock_${process.pid}`;
const s = quoteIdent(schema);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const earned = (rewardId: string): RewardView => ({
  rewardId,
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
});

/** Synchronous work: nothing else in the process runs, BullMQ's lock renewal included. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

async function until(what: string, done: () => Promise<boolean> | boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('a payout job that lost its lock (PostgreSQL + a private Redis)', () => {
  let stores: OpenStores;
  let redis: PrivateRedis;
  let connection: IORedis;
  let queue: PayoutQueue;
  let worker: Worker<PayoutJob> | undefined;
  let payout: RewardPayout;
  let lifecycle: ProjectionRunner;

  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await createLedgerSchema(stores.sql, schema);
    lifecycle = new ProjectionRunner(
      stores.sql,
      schema,
      stores.store,
      new RewardLifecycleProjection(schema),
    );
    payout = new RewardPayout(stores.sql, schema, stores.store, lifecycle);
    redis = await PrivateRedis.start();
  });
  beforeEach(() => {
    connection = new IORedis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    const raw = new Queue(PAYOUT_QUEUE, { connection, prefix: `lost-lock-${randomUUID()}` });
    // Redis restarts on purpose here: its refusals are expected, not news for the test log.
    raw.on('error', () => undefined);
    queue = new PayoutQueue(raw);
  });
  afterEach(async () => {
    // With force: a run held open by a test that failed early must not hold the next one.
    await worker?.close(true);
    worker = undefined;
    await queue.raw.close();
    await connection.quit().catch(() => connection.disconnect());
  });
  afterAll(async () => {
    await redis.down();
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  /** A new reward, earned and in the views, not paid. */
  const newReward = async () => {
    const id = `rw_${randomUUID().replace(/-/g, '')}`;
    await new ReadModelWriter(stores.sql, schema).write({ referrals: [], rewards: [earned(id)] });
    return id;
  };

  /** What the reward's own stream and the ledger hold once the projection has folded everything. */
  const money = async (id: string) => {
    const [{ head }] = await stores.sql.query<{ head: string }>(
      `SELECT max(global_position)::text AS head FROM ${s}.events`,
    );
    await lifecycle.catchUpTo(BigInt(head), 20_000);
    const ledger = await stores.sql.query<{ entry: string; amount: string }>(
      `SELECT entry, amount::text AS amount FROM ${s}.reward_ledger WHERE reward_id = $1`,
      [id],
    );
    const events = (await stores.store.readStream(rewardStream(id))).map((e) => e.type);
    return { events, ledger };
  };

  /** The payouts handler, noting each run's outcome; `before` may hold a run up. */
  const runs = (outcomes: string[], before?: (run: number) => Promise<void>) => {
    const pay = payoutJobHandler(payout);
    return async (job: Job<PayoutJob>) => {
      const run = outcomes.length + 1;
      await before?.(run);
      const outcome = await pay(job);
      outcomes.push(outcome);
      return outcome;
    };
  };

  it('runs again after its event loop was blocked past the lock, and pays once', async () => {
    const id = await newReward();
    const outcomes: string[] = [];
    const errors: string[] = [];
    const pay = runs(outcomes);
    worker = new Worker<PayoutJob>(
      PAYOUT_QUEUE,
      async (job) => {
        const outcome = await pay(job);
        // The first run's process then stalls: its lock lapses, nobody renews it.
        if (outcomes.length === 1) blockEventLoop(2_500);
        return outcome;
      },
      {
        connection,
        prefix: queue.raw.opts.prefix,
        lockDuration: 1_000,
        stalledInterval: 500,
      },
    );
    worker.on('error', (error) => errors.push(error.message));
    await queue.enqueue([id]);

    await until('the second run', () => outcomes.length === 2);
    await until('the job to finish', async () => (await queue.raw.getJobState(id)) === 'unknown');
    expect(errors).toContainEqual(expect.stringMatching(`Missing lock for job ${id}`));
    expect(outcomes).toEqual(['paid', 'already_done']);
    expect(await money(id)).toEqual({
      events: ['RewardPaid'],
      ledger: [{ entry: 'credit', amount: '5000' }],
    });
  });

  it('runs again when Redis restarts empty mid-run and the sweep queues it again, and pays once', async () => {
    const id = await newReward();
    const outcomes: string[] = [];
    const errors: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    worker = new Worker<PayoutJob>(
      PAYOUT_QUEUE,
      runs(outcomes, async (run) => {
        if (run !== 1) return;
        started = true;
        await released; // the first run is in flight while Redis loses everything
      }),
      { connection, prefix: queue.raw.opts.prefix, concurrency: 1 },
    );
    worker.on('error', (error) => errors.push(error.message));
    await queue.enqueue([id]);
    await until('the first run', () => started);

    try {
      await redis.restart();
      // The sweep finds the reward unpaid in the views and queues it under the same id.
      await until('the sweep', async () => (await queue.sweep(payout)) > 0);
      expect(await queue.raw.getJobState(id)).toBe('waiting');
    } finally {
      release();
    }

    await until('the second run', () => outcomes.length === 2);
    await until('the job to finish', async () => (await queue.raw.getJobState(id)) === 'unknown');
    expect(errors).toContainEqual(expect.stringMatching(`Missing lock for job ${id}`));
    expect(outcomes).toEqual(['paid', 'already_done']);
    expect(await money(id)).toEqual({
      events: ['RewardPaid'],
      ledger: [{ entry: 'credit', amount: '5000' }],
    });
  });
});
