import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import { PgDatabase, quoteIdent } from '@referrals/event-store';
import { PgProxy } from '../../support/pg-proxy';
import { freePort, PrivateRedis } from '../../support/private-redis';
import { webhookReceiver } from '../../support/webhook-receiver';
import { chaosHistory, deliveries } from './chaos-history';
import { auditMoney, describeAudit, MoneyAudit } from './money-audit';
import { Supervised } from './supervised';

const ROOT = join(__dirname, '..', '..', '..');
const API = join(ROOT, 'apps', 'api', 'dist', 'main.js');
const WORKER = join(ROOT, 'apps', 'worker', 'dist', 'main.js');
const ADMIN_KEY = 'chaos-admin-key';
const SECRET = 'chaos-webhook-secret-0123456789';
const WINDOW_MS = 2_000;
const LEASE_TTL_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChaosOptions {
  /** Distinct events in the history (each is sent three times). */
  readonly events: number;
  readonly workers?: number;
  /** A worker is SIGKILLed every this many ms while events flow. */
  readonly killEveryMs?: number;
  readonly pgOutageMs?: number;
  /** How long to wait, once all is sent, for the engine to settle. */
  readonly settleMs?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosOutcome {
  /** Distinct events in the history sent. */
  readonly historyEvents: number;
  readonly audit: MoneyAudit;
  readonly faults: string[];
  readonly unplannedExits: Record<string, number>;
  readonly seconds: number;
  readonly logDir: string;
}

/**
 * `npm run chaos`: the engine as deployed (an API process and worker
 * processes, built), on PostgreSQL behind a proxy and a Redis of its own,
 * fed a three-program history three times over, partly reordered, in batches
 * and single events, while workers are SIGKILLed every few seconds, the API
 * is killed and restarted, a worker is frozen (SIGSTOP) past its leases twice,
 * Redis restarts empty once and is emptied by FLUSHALL once, PostgreSQL
 * goes away once, and the webhook receiver fails its first answers. It then waits for
 * the engine to settle and audits the money through the tables.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const began = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), 'referrals-chaos-'));
  const proxy = await PgProxy.start();
  const redis = await PrivateRedis.start();
  const receiver = await webhookReceiver({ failFirst: 25 });
  const schema = `chaos_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const direct = new PgDatabase('postgres://postgres@127.0.0.1:5432/postgres', {
    onError: () => undefined,
  });
  const port = await freePort();
  const hook = { url: receiver.url, secret: SECRET };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    EVENT_STORE: 'postgres',
    DATABASE_URL: proxy.url(),
    DATABASE_SCHEMA: schema,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: schema,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_API_KEY: ADMIN_KEY,
    REORDER_WINDOW: `${WINDOW_MS}ms`,
    LEASE_TTL: `${LEASE_TTL_MS}ms`,
    SWEEP_INTERVAL: '2s',
    WEBHOOK_BACKOFF: '200ms',
    WEBHOOK_ATTEMPTS: '10',
    WEBHOOKS: JSON.stringify({ kallyai: hook, callrail: hook, smithai: hook }),
    LOG_LEVEL: 'warn',
    // Fewer payouts at once than the default 200: on a busy host, jobs outliving their lock run twice (harmless, but slow).
    PAYOUT_CONCURRENCY: '50',
  };
  const api = new Supervised('api', API, { ...env, RUN_WORKER: 'false' }, join(logDir, 'api.log'));
  const workers = Array.from(
    { length: options.workers ?? 2 },
    (_, i) => new Supervised(`worker-${i}`, WORKER, env, join(logDir, `worker-${i}.log`)),
  );
  const faults: string[] = [];
  const fault = (what: string) => {
    faults.push(`${((Date.now() - began) / 1000).toFixed(1)}s ${what}`);
    log(`chaos: ${what}`);
  };
  const url = `http://127.0.0.1:${port}`;
  const acknowledged = new Set<string>();
  let chaosOn = true;
  let audit: MoneyAudit | undefined;
  try {
    api.start();
    workers.forEach((w) => w.start());
    await untilReady(url);

    const history = chaosHistory(options.events);
    const sends = deliveries(history, WINDOW_MS);
    log(
      `chaos: ${history.length} events, ${sends.length} deliveries, schema ${schema}, logs in ${logDir}`,
    );
    // A worker frozen for three lease lifetimes while events flow: another takes its programs
    // over, and it wakes with decisions it had not flushed, believing it still leads.
    const frozen = new Set<Supervised>();
    const pauses: Promise<void>[] = [];
    const pauseWorker = async () => {
      let victim: Supervised | undefined;
      for (let waited = 0; !victim && waited < 30_000; waited += 100) {
        victim = workers.find((w) => w.upSince !== undefined);
        if (!victim) await sleep(100);
      }
      if (!victim) return fault('no worker up to freeze');
      frozen.add(victim);
      fault(`SIGSTOP ${victim.name} for ${(3 * LEASE_TTL_MS) / 1000}s`);
      if (await victim.pause(3 * LEASE_TTL_MS)) fault(`SIGCONT ${victim.name}`);
      // Awake for two lease lifetimes before it may be killed again: time to act on what it held.
      await sleep(2 * LEASE_TTL_MS);
      frozen.delete(victim);
    };
    // Workers die every few seconds for as long as events flow.
    const killer = (async () => {
      while (chaosOn) {
        await sleep(options.killEveryMs ?? 3_000);
        if (!chaosOn) break;
        // The worker up the longest: a kill of one still starting would test little (nor
        // would one of a frozen worker's, which must wake and act on what it held to test anything).
        const [victim] = workers
          .filter((w) => w.upSince !== undefined && !frozen.has(w))
          .sort((a, b) => (a.upSince as number) - (b.upSince as number));
        if (!victim) continue;
        victim.kill();
        fault(`SIGKILL ${victim.name}`);
      }
    })();
    let sent = 0;
    let step = 0;
    const milestones: [number, () => Promise<void>][] = [
      [0.15, async () => void pauses.push(pauseWorker())],
      [0.3, async () => (api.kill(), fault('SIGKILL api (restarts by itself)'))],
      [0.5, async () => (await redis.restart(), fault('Redis restarted empty'))],
      [
        0.7,
        async () => {
          proxy.cut();
          fault(`PostgreSQL cut for ${(options.pgOutageMs ?? 10_000) / 1000}s`);
          // Started again while PostgreSQL is away: the API must wait for it, not exit.
          api.kill();
          fault('SIGKILL api (restarts while PostgreSQL is cut)');
          setTimeout(
            () => (proxy.restore(), fault('PostgreSQL back')),
            options.pgOutageMs ?? 10_000,
          );
        },
      ],
      [0.85, async () => void pauses.push(pauseWorker())],
      // Emptied again with no restart: no client sees its connection drop, so nothing
      // reconnects; queues, timers and leases are just gone.
      [0.9, async () => (await redis.flushAll(), fault('Redis emptied (FLUSHALL)'))],
    ];
    while (sent < sends.length) {
      // Mostly batches of 20 to 200; every fifth step, five single events.
      const single = step++ % 5 === 4;
      const size = single ? 1 : 20 + ((step * 37) % 181);
      const repeat = single ? 5 : 1;
      for (let r = 0; r < repeat && sent < sends.length; r++) {
        const batch = sends.slice(sent, sent + size);
        await postUntilAccepted(url, single ? batch[0] : batch);
        for (const e of batch) acknowledged.add(`${e.program}\u0000${e.id}`);
        sent += batch.length;
      }
      while (milestones.length > 0 && sent / sends.length >= milestones[0][0])
        await (milestones.shift() as [number, () => Promise<void>])[1]();
    }
    chaosOn = false;
    await Promise.all([killer, ...pauses]);
    fault('all events acknowledged; faults stop');

    const deadline = Date.now() + (options.settleMs ?? 180_000);
    let polls = 0;
    for (;;) {
      const delivered = new Set(receiver.received.map((r) => r.key)).size;
      audit = await auditMoney(direct, schema, {
        acknowledged,
        webhooksDelivered: delivered,
        now: Date.now(),
      }).catch(() => audit);
      const settled =
        audit &&
        audit.rewardsDecided === audit.rewardsDecidedByReplay &&
        audit.rewardsStuck === 0 &&
        audit.webhooksDelivered >= audit.webhooksOwed &&
        Object.values(audit.money).every((m) => m.ledger === m.replay);
      if (settled || Date.now() > deadline) break;
      if (++polls % 10 === 0 && audit)
        log(`settling: ${describeAudit(audit).split('\n').slice(1, 3).join('; ')}`);
      await sleep(1_000);
    }
    const outcome = audit as MoneyAudit;
    log(describeAudit(outcome));
    return {
      historyEvents: history.length,
      audit: outcome,
      faults,
      unplannedExits: Object.fromEntries([api, ...workers].map((p) => [p.name, p.unplannedExits])),
      seconds: Math.round((Date.now() - began) / 1000),
      logDir,
    };
  } finally {
    chaosOn = false;
    proxy.restore();
    await Promise.all([api, ...workers].map((p) => p.stop()));
    await direct
      .query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)
      .catch(() => undefined);
    await direct.close();
    await receiver.close();
    await redis.down();
    await proxy.close();
  }
}

async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const answer = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (answer?.status === 200) return;
    await sleep(100);
  }
  throw new Error('the API did not become ready within a minute');
}

/** Posts until the API answers 202, as an upstream that retries does. */
async function postUntilAccepted(url: string, body: BillingEvent | BillingEvent[]) {
  for (let attempt = 1; ; attempt++) {
    const answer = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    if (answer?.status === 202) return;
    const text = await answer?.text().catch(() => '');
    if (answer && answer.status >= 400 && answer.status < 500 && answer.status !== 429)
      throw new Error(`the API refused a delivery (${answer.status}): ${text}`);
    await sleep(Math.min(1_000, 100 * attempt));
  }
}
