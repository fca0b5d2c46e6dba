import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { EarnedReward } from '@referrals/domain';
import {
  FailpointError,
  failpoints,
  openStores,
  OpenStores,
  quoteIdent,
} from '@referrals/event-store';
import { createReadModelSchema, ProjectionRunner } from '@referrals/projections';
import {
  createLedgerSchema,
  DELIVERY_QUEUE,
  Deliveries,
  PayoutBatches,
  RewardLifecycleProjection,
  RewardPayout,
  rewardStream,
  RewardStreams,
  WebhookOutbox,
  WebhookOutboxProjection,
} from '@referrals/rewards';

/**
 * Every step of the money path commits one thing and then another: the
 * reward's event, then the ledger (a projection), then the webhook outbox (a
 * projection), then the send; an export, then its confirmation. A process
 * dying between any two (a failpoint throws there) and started again (new
 * objects, nothing kept in memory) must end with every reward paid once,
 * every ledger entry once and every webhook queued once.
 */
const schema = `faults_rewards_${process.pid}`;
const s = quoteIdent(schema);

describe('the reward lifecycle, crashed between its commits (PostgreSQL + Redis)', () => {
  let stores: OpenStores;
  let redis: IORedis;
  let queue: Queue;
  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await createLedgerSchema(stores.sql, schema);
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix: `faults-${randomUUID()}` });
  });
  afterEach(() => failpoints.reset());
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    await stores.sql.query(`DROP SCHEMA ${s} CASCADE`);
    await stores.sql.close();
  });

  /** The store's last position: the store shows an event once the transactions begun before it end. */
  const head = async (prefixes = ['referral:', 'reward:']) => {
    const [{ at }] = await stores.sql.query<{ at: string | null }>(
      `SELECT max(global_position)::text AS at FROM ${s}.events
       WHERE stream_id LIKE ANY($1::text[])`,
      [prefixes.map((p) => `${p}%`)],
    );
    return BigInt(at ?? '-1');
  };

  /** A process: everything it holds in memory is new; only the database and Redis carry over. */
  const startProcess = () => {
    const lifecycle = new ProjectionRunner(
      stores.sql,
      schema,
      stores.store,
      new RewardLifecycleProjection(schema),
    );
    const outboxProjection = new ProjectionRunner(
      stores.sql,
      schema,
      stores.store,
      new WebhookOutboxProjection(schema),
    );
    const deliveries = new Deliveries(queue, {
      kallyai: { url: 'http://127.0.0.1:9/x', secret: 's' },
    });
    return {
      lifecycle,
      outboxProjection,
      payout: new RewardPayout(stores.sql, schema, stores.store, lifecycle),
      batches: new PayoutBatches(stores.sql, schema, stores.store, lifecycle),
      outbox: new WebhookOutbox(stores.sql, schema, deliveries),
      /** Waits until the lifecycle projection has folded every event stored so far. */
      async projected() {
        await lifecycle.catchUpTo(await head(), 30_000);
      },
      /** What the worker's projections pass and sweep do (once the store shows every event). */
      async sweep() {
        await lifecycle.catchUpTo(await head(), 30_000);
        await outboxProjection.catchUpTo(await head(['reward:']), 30_000);
        await this.outbox.dispatch();
        await this.outbox.redrive();
      },
    };
  };

  /** A reward decided in its referral's stream, as the process manager stores it. */
  const earn = async (overrides: Partial<EarnedReward> = {}) => {
    const rewardId = `rw_${randomUUID().replace(/-/g, '')}`;
    const reward: EarnedReward = {
      rewardId,
      referralId: `kallyai:${rewardId}`,
      program: 'kallyai',
      triggerId: 'activation_bonus',
      referrerAccountId: 'alice',
      refereeAccountId: `referee-${rewardId}`,
      beneficiaryAccountId: 'alice',
      role: 'referrer',
      kind: 'bonus_minutes',
      amount: 90,
      unit: 'minutes',
      earnedAt: '2026-05-01T10:00:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      ...overrides,
    };
    await stores.store.appendToStream(`referral:${reward.referralId}`, [
      { eventId: `earned-${rewardId}`, type: 'RewardEarned', data: reward },
    ]);
    await startProcess().projected();
    return rewardId;
  };

  const ledgerOf = (rewardId: string) =>
    stores.sql.query<{ entry: string; amount: string }>(
      `SELECT entry, amount::text AS amount FROM ${s}.reward_ledger WHERE reward_id = $1 ORDER BY entry_id`,
      [rewardId],
    );
  const outboxOf = (rewardId: string) =>
    stores.sql.query<{ delivery_id: string; enqueued: boolean }>(
      `SELECT delivery_id, enqueued_at IS NOT NULL AS enqueued FROM ${s}.webhook_outbox
       WHERE data->>'rewardId' = $1`,
      [rewardId],
    );
  const typesOf = async (rewardId: string) =>
    (await stores.store.readStream(rewardStream(rewardId))).map((e) => e.type);

  it('event appended, then the process dies before the ledger: the next catch-up credits it once', async () => {
    const first = startProcess();
    const id = await earn();
    await first.lifecycle.catchUp();
    failpoints.arm('payout.after-append');
    await expect(first.payout.pay(id)).rejects.toThrow(FailpointError);
    expect(await typesOf(id)).toEqual(['RewardPaid']);
    expect(await ledgerOf(id)).toEqual([]);

    const restarted = startProcess();
    expect(await restarted.payout.unpaid()).not.toContain(id); // the event says paid
    expect(await restarted.payout.pay(id)).toBe('already_done');
    await restarted.sweep();
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '90' }]);
    expect(await typesOf(id)).toEqual(['RewardPaid']);
  });

  it('the ledger projection dies before its checkpoint: its rows roll back with it, and come back once', async () => {
    const id = await earn();
    const first = startProcess();
    failpoints.arm('projection.reward-lifecycle.before-checkpoint');
    // Whichever catch-up first sees the payment (the payout's own, or the next) dies before its checkpoint.
    await first.payout.pay(id).catch((error) => expect(error).toBeInstanceOf(FailpointError));
    if (failpoints.passes('projection.reward-lifecycle.before-checkpoint') === 0)
      await expect(first.projected()).rejects.toThrow(FailpointError);
    expect(await ledgerOf(id)).toEqual([]);
    await startProcess().sweep();
    expect(await ledgerOf(id)).toEqual([{ entry: 'credit', amount: '90' }]);
  });

  it('ledger written, then the process dies before the webhook outbox: the next pass owes the webhook once', async () => {
    const id = await earn();
    const first = startProcess();
    await first.lifecycle.catchUp();
    expect(await first.payout.pay(id)).toBe('paid');
    await first.projected(); // ledger projected; the outbox not yet
    expect(await ledgerOf(id)).toHaveLength(1);
    failpoints.arm('projection.webhook-outbox.before-checkpoint');
    await expect(first.sweep()).rejects.toThrow(FailpointError);
    expect(await outboxOf(id)).toEqual([]);

    const restarted = startProcess();
    await restarted.sweep();
    await restarted.sweep();
    expect(await outboxOf(id)).toEqual([{ delivery_id: `reward.paid-${id}`, enqueued: true }]);
    expect(await queue.getJob(`reward.paid-${id}`)).toBeDefined();
    expect(await ledgerOf(id)).toHaveLength(1);
  });

  it('webhook queued, then the process dies before marking it: queued again under the same id, once', async () => {
    const id = await earn();
    const first = startProcess();
    await first.lifecycle.catchUp();
    await first.payout.pay(id);
    failpoints.arm('outbox.after-enqueue');
    await expect(first.sweep()).rejects.toThrow(FailpointError);
    expect(await outboxOf(id)).toEqual([{ delivery_id: `reward.paid-${id}`, enqueued: false }]);
    await startProcess().sweep();
    expect(await outboxOf(id)).toEqual([{ delivery_id: `reward.paid-${id}`, enqueued: true }]);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'failed', 'completed']);
    expect(jobs.filter((j) => j.id === `reward.paid-${id}`)).toHaveLength(1);
  });

  it('Redis loses every queued webhook: the sweep queues each again from the outbox', async () => {
    const id = await earn();
    const first = startProcess();
    await first.lifecycle.catchUp();
    await first.payout.pay(id);
    await first.sweep();
    expect(await queue.getJob(`reward.paid-${id}`)).toBeDefined();
    await queue.obliterate({ force: true }); // as a flushed Redis would
    expect(await queue.getJob(`reward.paid-${id}`)).toBeUndefined();
    await startProcess().sweep();
    expect(await queue.getJob(`reward.paid-${id}`)).toBeDefined();
  });

  describe('cash, from export to confirmation', () => {
    const approvedCash = async () => {
      const id = await earn({
        program: 'smithai',
        kind: 'cash',
        amount: 100000,
        unit: 'USD',
        dueBy: '2026-05-21',
      });
      const p = startProcess();
      await p.lifecycle.catchUp();
      expect(await p.payout.pay(id)).toBe('awaiting_approval');
      await p.projected();
      await new RewardStreams(stores.store).handle(id, {
        type: 'Approve',
        data: { rewardId: id, by: 'ops', at: '2026-05-02T00:00:00.000Z' },
      });
      await p.projected();
      return id;
    };

    it('exported, then the process dies before answering: the batch is found, the cash is in no second batch, and confirming pays it once', async () => {
      const id = await approvedCash();
      const first = startProcess();
      failpoints.arm('batch.after-open');
      await expect(first.batches.open('ops')).rejects.toThrow(FailpointError);

      const restarted = startProcess();
      await restarted.projected();
      const second = await restarted.batches.open('ops');
      expect(second?.rewardIds ?? []).not.toContain(id);
      const [lost] = (await restarted.batches.list()).filter(
        (b) => b.status === 'open' && b.rewardIds.includes(id),
      );
      expect(lost).toBeDefined();
      expect((await restarted.batches.get(lost.batchId)).csv).toContain(
        `${id},smithai,alice,100000`,
      );

      failpoints.arm('batch.after-close');
      await expect(restarted.batches.confirm(lost.batchId, 'ops')).rejects.toThrow(FailpointError);
      const again = startProcess();
      expect((await again.batches.confirm(lost.batchId, 'ops')).status).toBe('confirmed');
      await again.sweep();
      expect(await ledgerOf(id)).toEqual([
        { entry: 'cash_owed', amount: '100000' },
        { entry: 'cash_paid', amount: '-100000' },
      ]);
      expect(await typesOf(id)).toEqual([
        'RewardAwaitingApproval',
        'RewardApproved',
        'RewardExported',
        'CashPaidOut',
      ]);
      expect(await outboxOf(id)).toEqual([{ delivery_id: `reward.paid-${id}`, enqueued: false }]);
    });

    it('a cancelled batch frees its cash for the next one, which pays it once', async () => {
      const id = await approvedCash();
      const p = startProcess();
      const first = (await p.batches.open('ops'))!;
      expect(first.rewardIds).toContain(id);
      await p.batches.cancel(first.batchId, 'ops');
      const next = (await p.batches.open('ops'))!;
      expect(next.rewardIds).toContain(id);
      await expect(p.batches.confirm(first.batchId, 'ops')).rejects.toThrow(/cancelled/);
      await p.batches.confirm(next.batchId, 'ops');
      await p.sweep();
      expect((await ledgerOf(id)).map((e) => e.entry)).toEqual(['cash_owed', 'cash_paid']);
    });
  });
});
