// npm run bench:ingest -- [--events 100000] [--rate 1000] [--seconds 10] [--runs 1] [--connections 50] [--warmup 5] [--cpu-prof DIR]
// Ingestion on PostgreSQL (127.0.0.1:5432, or DATABASE_URL) in a throw-away schema:
//   1. events/s through POST /v1/events in 1,000-event batches,
//   2. events/s straight through the PostgreSQL adapter, 1,000-event batches and single events,
//   3. single-event POST latency percentiles at a fixed request rate, in two shapes: steady
//      (request i due at start + i / rate, latency from when it was due: steady-load.mjs),
//      against the goal (p99 < 20 ms); and autocannon's waves (each connection sends its share
//      of every second back to back), beside it. With each, the CPU each request costs the API
//      process and its PostgreSQL backends (less sensitive than latency to a busy machine), and
//      the same load on GET /health/live (no body, no store): what the host adds at that moment.
// --runs N repeats step 3 N times on the same API and prints the spread; before them, --warmup
// seconds of the same single-event load (5 by default, not counted) let the API's JIT and its
// connection pool settle, as a server that has been taking traffic has.
// --cpu-prof DIR: the API runs with node's --cpu-prof and writes its profile into DIR.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { steadyLoad } from './steady-load.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    'cpu-prof': { type: 'string' },
  },
});
const GOAL_P99_MS = 20;
const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'apps/api/dist/main.js')))
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const require = createRequire(import.meta.url);
const {
  PgDatabase,
  SqlEventStore,
  createEventStoreSchema,
  quoteIdent,
} = require('../libs/event-store/dist/index.js');
const { EventIngestor } = require('../libs/ingestion/dist/index.js');
const { ProgramRegistry } = require('../libs/domain/dist/index.js');

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `bench_${process.pid}`;
// The API's connections carry this name, so their backends' CPU can be found and counted.
const APPLICATION_NAME = `bench-ingest-${process.pid}`;
const apiDatabaseUrl = () => {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('application_name', APPLICATION_NAME);
  return url.toString();
};
const total = Number(values.events);
const KEY = 'bench-key';
const PORT = 3900 + (process.pid % 90);

let counter = 0;
/** A payment of one of 10,000 accounts; every id is new. */
const event = () => {
  const n = counter++;
  return {
    id: `bench-${n}`,
    type: 'payment.succeeded',
    program: 'callrail',
    accountId: `acct-${n % 10_000}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    data: { invoiceId: `inv-${n}`, amount: 4500, currency: 'USD' },
  };
};
const rate = (n, ms) => Math.round(n / (ms / 1000));

async function viaAdapter(db) {
  await createEventStoreSchema(db, schema);
  const store = new SqlEventStore(db, schema);
  const ingestor = new EventIngestor(store, ProgramRegistry.withBuiltins());
  let t = performance.now();
  for (let i = 0; i < total; i += 1000) {
    const outcome = await ingestor.ingest(Array.from({ length: Math.min(1000, total - i) }, event));
    if (outcome.status !== 'accepted') throw new Error(JSON.stringify(outcome));
  }
  const batched = rate(total, performance.now() - t);
  const singles = Math.min(total, 5000);
  t = performance.now();
  for (let i = 0; i < singles; i++) await ingestor.ingest(event());
  return { batched, single: rate(singles, performance.now() - t) };
}

async function startApi() {
  const profile = values['cpu-prof']
    ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])]
    : [];
  const api = spawn(process.execPath, [...profile, join(root, 'apps/api/dist/main.js')], {
    env: {
      ...process.env,
      EVENT_STORE: 'postgres',
      DATABASE_URL: apiDatabaseUrl(),
      DATABASE_SCHEMA: schema,
      RUN_WORKER: 'false',
      PORT: String(PORT),
      ADMIN_API_KEY: KEY,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`)).ok) return api;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  api.kill();
  throw new Error('the API did not start');
}

async function viaHttpBatches() {
  const post = (body) =>
    fetch(`http://127.0.0.1:${PORT}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(body),
    }).then((r) => {
      if (r.status !== 202) throw new Error(`status ${r.status}`);
    });
  const batches = Array.from({ length: Math.ceil(total / 1000) }, () =>
    Array.from({ length: 1000 }, event),
  );
  const t = performance.now();
  const lanes = 4;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < batches.length; i += lanes) await post(batches[i]);
    }),
  );
  return rate(batches.length * 1000, performance.now() - t);
}

/** CPU seconds a process has used so far (user + system), from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0; // gone, or not Linux
  }
}

/** The PostgreSQL backends serving the API (by the application name its connections carry). */
async function apiBackends(db) {
  const rows = await db.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [
    APPLICATION_NAME,
  ]);
  return rows.map((r) => r.pid);
}

const percentile = (sorted, p) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Requests at a fixed rate (single-event POSTs, or the floor: GET /health/live), in one of
 * two shapes. `steady`: request i due at start + i / rate, its latency counted from then
 * (see steady-load.mjs); the goal is read off this one. `waves`: autocannon, which paces each
 * connection to its share of the rate per second, sending back to back until the share is
 * used, so each second opens with all connections busy. Percentiles come from every
 * response's own time; autocannon's histogram is also shown for waves, but it "corrects"
 * each response of L ms with L - 1 synthetic samples (it takes the expected interval between
 * requests as 1 ms), which weights slow responses by their length.
 */
async function latencyAtFixedRate(db, apiPid, route, shape, seconds = Number(values.seconds)) {
  const backends = await apiBackends(db);
  const cpuBefore = { api: cpuSeconds(apiPid), pg: backends.map(cpuSeconds) };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const run =
    shape === 'steady'
      ? await steadyLoad({
          origin: `http://127.0.0.1:${PORT}`,
          route,
          headers,
          rate: Number(values.rate),
          seconds,
          connections: Number(values.connections),
        })
      : await autocannonWaves(route, headers, seconds);
  // Backends opened during the run were not there to count before: they count from zero.
  const after = await apiBackends(db);
  const pgCpu = after.reduce((sum, pid) => {
    const i = backends.indexOf(pid);
    return sum + cpuSeconds(pid) - (i >= 0 ? cpuBefore.pg[i] : 0);
  }, 0);
  const sorted = run.times.sort((a, b) => a - b);
  const perRequestMs = (seconds) => (seconds * 1000) / Math.max(1, run.requests);
  return {
    ...run,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    apiCpuMs: perRequestMs(cpuSeconds(apiPid) - cpuBefore.api),
    pgCpuMs: perRequestMs(pgCpu),
    backends: after.length,
  };
}

async function autocannonWaves(route, headers, seconds) {
  const times = [];
  const result = await new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${PORT}${route.path}`,
        method: route.method,
        connections: Number(values.connections),
        overallRate: Number(values.rate),
        duration: seconds,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, body: route.body?.() }) }],
      },
      (error, result) => (error ? reject(error) : resolveRun(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  return {
    times,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    autocannon: result.latency,
  };
}

const ms = (n, digits = 1) => `${n.toFixed(digits)} ms`;
const POST_EVENT = { path: '/v1/events', method: 'POST', body: () => JSON.stringify(event()) };
const FLOOR = { path: '/health/live', method: 'GET' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const SHAPES = {
  steady: 'steady: request i due at i ms, latency from when it was due',
  waves:
    "waves: autocannon's --rate, each second opening with every connection sending back to back",
};

function printRun(shape, post, floor, run) {
  const verdict = post.p99 < GOAL_P99_MS ? 'met' : 'MISSED';
  console.log(
    [
      `single-event POST at ${values.rate} req/s for ${values.seconds} s, ${values.connections} connections${run}` +
        ` (${post.requests} requests, non-2xx ${post.non2xx}, errors ${post.errors})`,
      `  ${SHAPES[shape]}`,
      `  latency    p50 ${ms(post.p50)}   p95 ${ms(post.p95)}   p99 ${ms(post.p99)}   max ${ms(post.max)}`,
      shape === 'steady'
        ? `  goal       p99 < ${GOAL_P99_MS} ms: ${verdict}`
        : `  beside    p99 < ${GOAL_P99_MS} ms: ${verdict} (a burst of ${values.connections} at once, not a steady rate)`,
      `  floor      GET /health/live, same load: p50 ${ms(floor.p50)}   p95 ${ms(floor.p95)}   p99 ${ms(floor.p99)}` +
        ` (what the host adds now, whatever the route)`,
      ...(post.autocannon
        ? [
            `  autocannon p50 ${post.autocannon.p50} ms, p90 ${post.autocannon.p90} ms, p99 ${post.autocannon.p99} ms ` +
              `(its coordinated-omission correction weights slow responses by their length)`,
          ]
        : []),
      `  CPU per request: API process ${ms(post.apiCpuMs, 2)}, its ${post.backends} PostgreSQL backends ${ms(post.pgCpuMs, 2)}` +
        ` (GET /health/live: API ${ms(floor.apiCpuMs, 2)})`,
    ].join('\n'),
  );
}

const db = new PgDatabase(DATABASE_URL);
let api;
try {
  const adapter = await viaAdapter(db);
  api = await startApi();
  const http = await viaHttpBatches();
  // The two throughput steps leave ~200k events' pages dirty: flushed now, their checkpoint
  // does not land in the first latency run (it made that run's p99 7-10x the others').
  await db.query('CHECKPOINT');
  const warmup = Number(values.warmup);
  if (warmup > 0) await latencyAtFixedRate(db, api.pid, POST_EVENT, 'steady', warmup);
  const runs = { steady: [], waves: [] };
  for (let i = 0; i < Number(values.runs); i++) {
    for (const shape of Object.keys(runs)) {
      const post = await latencyAtFixedRate(db, api.pid, POST_EVENT, shape);
      const floor = await latencyAtFixedRate(db, api.pid, FLOOR, shape);
      runs[shape].push({ post, floor });
    }
  }
  console.table({
    'POST /v1/events, 1,000-event batches': { 'events/s': http },
    'PostgreSQL adapter, 1,000-event batches': { 'events/s': adapter.batched },
    'PostgreSQL adapter, single events': { 'events/s': adapter.single },
  });
  for (const [shape, shapeRuns] of Object.entries(runs)) {
    shapeRuns.forEach(({ post, floor }, i) =>
      printRun(
        shape,
        post,
        floor,
        shapeRuns.length > 1 ? `, run ${i + 1} of ${shapeRuns.length}` : '',
      ),
    );
  }
  if (Number(values.runs) > 1) {
    for (const [shape, shapeRuns] of Object.entries(runs)) {
      const spread = (pick, digits = 1) => {
        const xs = shapeRuns.map(pick);
        return `${ms(Math.min(...xs), digits)} to ${ms(Math.max(...xs), digits)}, median ${ms(median(xs), digits)}`;
      };
      console.log(
        [
          `${shape}, over ${shapeRuns.length} runs: p99 ${spread((r) => r.post.p99)}; p50 ${spread((r) => r.post.p50)}`,
          `  floor p99 ${spread((r) => r.floor.p99)}; API CPU per request ${spread((r) => r.post.apiCpuMs, 2)}`,
        ].join('\n'),
      );
    }
  }
} finally {
  api?.kill();
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await db.close();
}
