import { ChildProcess, spawn } from 'node:child_process';
import IORedis from 'ioredis';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { quoteIdent } from '@referrals/event-store';
import { api, onPostgres, startTestEngine } from '../support/engine-harness';

const WORKER = join(__dirname, '..', '..', 'apps', 'worker', 'dist', 'main.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Referrers with codes; referees on CallRail paying four invoices and on KallyAI activating. */
function history(referees: number): BillingEvent[] {
  const events: BillingEvent[] = [];
  const at = (day: number, minute = 0) =>
    new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + minute * 60_000).toISOString();
  let n = 0;
  const add = (e: Omit<BillingEvent, 'id'>) =>
    events.push({ id: `mw-${n++}`, ...e } as BillingEvent);
  for (const program of ['callrail', 'kallyai'] as const) {
    add({ type: 'account.signed_up', program, accountId: 'ref', occurredAt: at(0), data: {} });
    add({
      type: 'subscription.activated',
      program,
      accountId: 'ref',
      occurredAt: at(0, 1),
      data: { plan: 'pro' },
    });
    add({
      type: 'referral_code.assigned',
      program,
      accountId: 'ref',
      occurredAt: at(0, 2),
      data: { code: `MW-${program.toUpperCase()}` },
    });
  }
  for (let i = 0; i < referees; i++) {
    const program = i % 2 === 0 ? 'callrail' : 'kallyai';
    const accountId = `r${i}`;
    add({
      type: 'account.signed_up',
      program,
      accountId,
      occurredAt: at(1, i),
      data: { referralCode: `MW-${program.toUpperCase()}` },
    });
    add({
      type: 'subscription.activated',
      program,
      accountId,
      occurredAt: at(1, i + 1),
      data: { plan: 'starter' },
    });
    if (program === 'callrail') {
      for (let m = 1; m <= 4; m++) {
        add({
          type: 'payment.succeeded',
          program,
          accountId,
          occurredAt: at(30 * m, i),
          data: { invoiceId: `${accountId}-${m}`, amount: 4500, currency: 'USD' },
        });
      }
    }
  }
  return events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** The pid of the worker that leads a program now (lease owners are `host:pid:nonce`). */
async function leaderOf(prefix: string, program: string): Promise<number | undefined> {
  const redis = new IORedis('redis://127.0.0.1:6379');
  try {
    const owner = await redis.get(`${prefix}:lease:process-manager:${program}`);
    return owner ? Number(owner.split(':')[1]) : undefined;
  } finally {
    redis.disconnect();
  }
}

describe('three workers, the leader of a program killed mid-run', () => {
  it('pay every reward the replay earns, each exactly once', async () => {
    const settings = { ...onPostgres(), RUN_WORKER: 'false', QUEUE_PREFIX: `mw-${process.pid}` };
    const harness = await startTestEngine(settings);
    const env = {
      ...process.env,
      ...settings,
      REORDER_WINDOW: '300ms',
      LEASE_TTL: '2s',
      LOG_LEVEL: 'silent',
    };
    const workers: ChildProcess[] = [0, 1, 2].map(() =>
      spawn(process.execPath, [WORKER], { env, stdio: 'ignore' }),
    );
    const schema = quoteIdent(settings.DATABASE_SCHEMA);
    const { db } = harness.engine.runtime;
    try {
      const events = history(120);
      const half = Math.floor(events.length / 2);
      for (let i = 0; i < half; i += 50)
        expect(
          (await api(harness.engine, 'POST', '/v1/events', events.slice(i, i + 50))).status,
        ).toBe(202);
      await sleep(500);
      // Kill the worker deciding CallRail: another must take the program over from its checkpoint.
      let leader: number | undefined;
      for (let i = 0; i < 50 && leader === undefined; i++) {
        leader = await leaderOf(settings.QUEUE_PREFIX, 'callrail');
        if (leader === undefined) await sleep(100);
      }
      const victim = workers.find((w) => w.pid === leader);
      expect(victim).toBeDefined();
      victim?.kill('SIGKILL');
      for (let i = half; i < events.length; i += 50) {
        expect(
          (
            await api(
              harness.engine,
              'POST',
              '/v1/events',
              events.slice(i, Math.min(i + 50, events.length)),
            )
          ).status,
        ).toBe(202);
      }

      const engine = new ReferralEngine(ProgramRegistry.withBuiltins());
      for (const e of events) engine.apply(e);
      const expected = engine.rewardViews();
      expect(expected.length).toBe(120 * 2);

      let paid = 0;
      for (let i = 0; i < 200 && paid < expected.length; i++) {
        await sleep(200);
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${schema}.reward_view WHERE status = 'paid'`,
        );
        paid = Number(row.n);
      }
      expect(paid).toBe(expected.length);
      // Another worker leads CallRail now.
      const successor = await leaderOf(settings.QUEUE_PREFIX, 'callrail');
      expect(successor).toBeDefined();
      expect(successor).not.toBe(leader);
      const ledger = await db.query<{ reward_id: string; entry: string; amount: string }>(
        `SELECT reward_id, entry, amount::text AS amount FROM ${schema}.reward_ledger WHERE entry = 'credit' ORDER BY reward_id`,
      );
      expect(ledger.map((l) => l.reward_id).sort()).toEqual(expected.map((r) => r.rewardId).sort());
      const byId = new Map(expected.map((r) => [r.rewardId, r]));
      for (const entry of ledger)
        expect(Number(entry.amount)).toBe(byId.get(entry.reward_id)?.amount);
      // The minutes, earned in January, have expired since: one expiry entry each, never two.
      const expiries = await db.query(
        `SELECT reward_id FROM ${schema}.reward_ledger WHERE entry = 'expiry' GROUP BY 1 HAVING count(*) > 1`,
      );
      expect(expiries).toEqual([]);
      const earnedTwice = await db.query(
        `SELECT data->>'rewardId' AS id FROM ${schema}.events WHERE type = 'RewardEarned' GROUP BY 1 HAVING count(*) > 1`,
      );
      expect(earnedTwice).toEqual([]);
    } finally {
      for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGTERM');
      await sleep(300);
      await harness.stop();
    }
  }, 120_000);
});
