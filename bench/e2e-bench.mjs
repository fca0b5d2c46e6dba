// npm run bench:e2e -- [--referees 2000] [--workers 2] [--window 100ms] [--probes 100]
// The whole engine on PostgreSQL + Redis, in a throw-away schema and queue prefix, with
// K KallyAI referees activating (2 rewards each) and N worker processes:
//   1. payouts: rewards paid per second by the payout workers, from a queue of K×2 decided
//      rewards (the payouts queue is paused while they are decided, then resumed);
//   2. end to end: another K referees, from the first POST of their activations to all paid;
//   3. latency from POST of an activating event to its rewards `paid` (p50/p99), one at a time.
// The reordering window holds every event for up to REORDER_WINDOW: the latency includes it.
// PROFILE_WORKER=1 writes the workers' CPU profiles to /tmp/prof.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    referees: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    window: { type: 'string', default: '100ms' },
    probes: { type: 'string', default: '100' },
  },
});
const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'apps/worker/dist/main.js')))
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const require = createRequire(import.meta.url);
const { PgDatabase, quoteIdent } = require('../libs/event-store/dist/index.js');
const { Queue } = require('bullmq');
const IORedis = require('ioredis').default;
const { rewardIdOf, referralIdOf } = require('../libs/domain/dist/referral/ids.js');

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `bench_e2e_${process.pid}`;
const PORT = 3800 + (process.pid % 90);
const KEY = 'bench-key';
const env = {
  ...process.env,
  EVENT_STORE: 'postgres',
  DATABASE_URL,
  DATABASE_SCHEMA: schema,
  QUEUE_PREFIX: `bench-${process.pid}`,
  REORDER_WINDOW: values.window,
  ADMIN_API_KEY: KEY,
  LOG_LEVEL: 'warn',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = async (body) => {
  const r = await fetch(`http://127.0.0.1:${PORT}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  if (r.status !== 202) throw new Error(`POST answered ${r.status}: ${await r.text()}`);
};
let n = 0;
const ev = (type, accountId, data, at = new Date()) => ({
  id: `e2e-${n++}`,
  type,
  program: 'kallyai',
  accountId,
  occurredAt: at.toISOString(),
  data,
});

const db = new PgDatabase(DATABASE_URL);
const children = [];
const countRewards = async (where) =>
  Number(
    (
      await db.query(`SELECT count(*)::text AS n FROM ${quoteIdent(schema)}.reward_view ${where}`)
    )[0]?.n ?? 0,
  );
const paidCount = () => countRewards(`WHERE status = 'paid'`);
try {
  children.push(
    spawn(process.execPath, [join(root, 'apps/api/dist/main.js')], {
      env: { ...env, RUN_WORKER: 'false', PORT: String(PORT) },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`)).ok) break;
    } catch {
      /* starting */
    }
    await sleep(100);
  }
  for (let w = 0; w < Number(values.workers); w++) {
    children.push(
      spawn(
        process.execPath,
        [
          ...(process.env.PROFILE_WORKER ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
          join(root, 'apps/worker/dist/main.js'),
        ],
        {
          env,
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
    );
  }
  await sleep(1500);

  // 1. Throughput: the referrer, then every referee's signup, then all activations at once.
  const t0 = new Date(Date.now() - 3_600_000);
  await post([
    ev('account.signed_up', 'referrer', {}, t0),
    ev('subscription.activated', 'referrer', { plan: 'pro' }, t0),
    ev('referral_code.assigned', 'referrer', { code: 'BENCH-E2E' }, t0),
  ]);
  const referees = Number(values.referees);
  const signUp = async (prefix) => {
    for (let i = 0; i < referees; i += 1000) {
      await post(
        Array.from({ length: Math.min(1000, referees - i) }, (_, j) =>
          ev('account.signed_up', `${prefix}${i + j}`, { referralCode: 'BENCH-E2E' }, t0),
        ),
      );
    }
  };
  const activate = async (prefix) => {
    for (let i = 0; i < referees; i += 1000) {
      await post(
        Array.from({ length: Math.min(1000, referees - i) }, (_, j) =>
          ev('subscription.activated', `${prefix}${i + j}`, { plan: 'pro' }),
        ),
      );
    }
  };
  // Progress is read from the queue's counters (O(1) in Redis) and reward ids (primary-key
  // lookups), so the benchmark does not load the database it measures with scans.
  const until = async (check, everyMs = 20) => {
    while (!(await check())) await sleep(everyMs);
    return performance.now();
  };
  const payouts = new Queue('payouts', {
    connection: { host: '127.0.0.1', port: 6379 },
    prefix: env.QUEUE_PREFIX,
  });
  const queued = async () =>
    (await payouts.getJobCountByTypes('wait', 'active', 'delayed')) + (await completed());
  // Done payout jobs are removed at once; the workers' metrics count them.
  const completed = async () => (await payouts.getMetrics('completed')).meta.count;
  await signUp('q');
  await signUp('r');
  await sleep(1000);

  // 1. Payouts alone: decide K×2 rewards with the queue paused, then let the workers at them.
  await payouts.pause();
  await activate('q');
  await until(async () => (await payouts.getJobCountByTypes('wait')) >= referees * 2);
  const resumed = performance.now();
  await payouts.resume();
  const drained = await until(async () => (await completed()) >= referees * 2);
  const payoutSeconds = (drained - resumed) / 1000;

  // 2. End to end: activations posted, decided and paid with everything running.
  const start = performance.now();
  await activate('r');
  const posted = performance.now();
  const decided = await until(async () => (await queued()) >= referees * 4);
  const paid = await until(async () => (await completed()) >= referees * 4);
  const seconds = (paid - start) / 1000;
  if ((await paidCount()) !== referees * 4)
    throw new Error(`expected ${referees * 4} rewards paid, found ${await paidCount()}`);

  // 3. Latency: one activation at a time, from POST to both its rewards paid.
  const probes = Number(values.probes);
  await post(
    Array.from({ length: probes }, (_, i) =>
      ev('account.signed_up', `p${i}`, { referralCode: 'BENCH-E2E' }, t0),
    ),
  );
  await sleep(1000);
  const latencies = [];
  for (let i = 0; i < probes; i++) {
    const referralId = referralIdOf('kallyai', `p${i}`);
    const ids = ['referrer', 'referee'].map((role) =>
      rewardIdOf(referralId, 'activation_bonus', role),
    );
    const sent = performance.now();
    await post(ev('subscription.activated', `p${i}`, { plan: 'starter' }));
    for (;;) {
      const [row] = await db.query(
        `SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.reward_view
         WHERE reward_id = ANY($1::text[]) AND status = 'paid'`,
        [ids],
      );
      if (row.n === 2) break;
      await sleep(2);
    }
    latencies.push(performance.now() - sent);
  }
  await payouts.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(0);
  const n = referees * 2;
  console.table({
    [`payouts: ${n} decided rewards, ${values.workers} workers`]: {
      'rewards paid/s': Math.round(n / payoutSeconds),
      seconds: +payoutSeconds.toFixed(2),
    },
    [`end to end: ${n} rewards, ${values.workers} workers`]: {
      'rewards paid/s': Math.round(n / seconds),
      seconds: +seconds.toFixed(2),
      'posted (s)': +((posted - start) / 1000).toFixed(2),
      'all decided (s)': +((decided - start) / 1000).toFixed(2),
    },
  });
  console.log(
    `POST → paid over ${probes} activations (REORDER_WINDOW ${values.window}): p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await sleep(500);
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await db.close();
  // The queues and leases of this run go too.
  const redis = new IORedis('redis://127.0.0.1:6379');
  for await (const keys of redis.scanStream({ match: `${env.QUEUE_PREFIX}:*`, count: 1000 }))
    if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
