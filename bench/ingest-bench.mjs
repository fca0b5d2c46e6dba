// npm run bench:ingest -- [--events 100000] [--rate 1000] [--seconds 10]
// Ingestion on PostgreSQL (127.0.0.1:5432, or DATABASE_URL) in a throw-away schema:
//   1. events/s through POST /v1/events in 1,000-event batches,
//   2. events/s straight through the PostgreSQL adapter, 1,000-event batches and single events,
//   3. single-event POST latency percentiles at a fixed request rate (autocannon).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
  },
});
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
  const api = spawn(process.execPath, [join(root, 'apps/api/dist/main.js')], {
    env: {
      ...process.env,
      EVENT_STORE: 'postgres',
      DATABASE_URL,
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

function latencyAtFixedRate() {
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${PORT}/v1/events`,
        method: 'POST',
        connections: 50,
        overallRate: Number(values.rate),
        duration: Number(values.seconds),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(event()) }) }],
      },
      (error, result) => (error ? reject(error) : resolveRun(result)),
    );
  });
}

const db = new PgDatabase(DATABASE_URL);
let api;
try {
  const adapter = await viaAdapter(db);
  api = await startApi();
  const http = await viaHttpBatches();
  const latency = await latencyAtFixedRate();
  console.table({
    'POST /v1/events, 1,000-event batches': { 'events/s': http },
    'PostgreSQL adapter, 1,000-event batches': { 'events/s': adapter.batched },
    'PostgreSQL adapter, single events': { 'events/s': adapter.single },
  });
  console.log(
    `single-event POST at ${values.rate} req/s for ${values.seconds} s: ` +
      `p50 ${latency.latency.p50} ms, p90 ${latency.latency.p90} ms, p99 ${latency.latency.p99} ms, ` +
      `max ${latency.latency.max} ms; ${latency.requests.total} requests, non-2xx ${latency.non2xx}, errors ${latency.errors}`,
  );
} finally {
  api?.kill();
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await db.close();
}
