// npm run bench:replay-store [-- --events 1000000] [--input FILE]
// Loads a synthetic history into a throw-away schema of the PostgreSQL on 127.0.0.1:5432 (COPY FROM,
// as the ingestor would have stored it: one account stream each, duplicates dropped), then measures
//  - the read: the `COPY ... TO STDOUT`s of the account streams that `referrals replay` runs
//    without --input, into a file (events/s, target >= 150k);
//  - the whole replay from the store through the CLI (events/s, peak RSS).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { generateHistory } from './generate-history.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    input: { type: 'string' },
    'as-of': { type: 'string', default: '2027-06-01T00:00:00Z' },
  },
});
const root = resolve(import.meta.dirname, '..');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `bench_store_${process.pid}`;
const { createEventStoreSchema, PgDatabase } = await import(
  join(root, 'libs/event-store/dist/index.js')
);
const { openStoreInput } = await import(join(root, 'apps/cli/dist/history/store-input.js'));

const work = mkdtempSync(join(tmpdir(), 'referrals-store-bench-'));
const file = values.input ? resolve(values.input) : join(work, 'history.ndjson');
if (!values.input) await generateHistory(file, Number(values.events));

const db = new PgDatabase(url);
await createEventStoreSchema(db, schema);
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  // Load: one row per first (program, id), stream positions per account, as ingestion stores them.
  const t0 = performance.now();
  const seen = new Set();
  const positions = new Map();
  async function* rows() {
    for await (const line of createInterface({ input: createReadStream(file) })) {
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      const key = `${event.program}\u0000${event.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const stream = `account:${event.program}:${event.accountId}`;
      const position = positions.get(stream) ?? 0;
      positions.set(stream, position + 1);
      const data = JSON.stringify(event).replace(/\\/g, '\\\\');
      yield `${stream}\t${position}\tbilling-${key.replace(/\W/g, '_')}\t${event.type}\t${data}\n`;
    }
  }
  await pipeline(
    Readable.from(rows()),
    client.query(
      copyStreams.from(
        `COPY "${schema}".events (stream_id, stream_position, event_id, type, data) FROM STDIN`,
      ),
    ),
  );
  const stored = seen.size;
  seen.clear();
  console.log(`loaded ${stored} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await client.query(`ANALYZE "${schema}".events`);

  // The read alone, as the replay reads the store: its COPYs into a temporary file.
  const t1 = performance.now();
  const input = await openStoreInput({
    EVENT_STORE: 'postgres',
    DATABASE_URL: url,
    DATABASE_SCHEMA: schema,
  });
  const copied = join(work, 'copied.ndjson');
  try {
    await input.writeTo(copied);
  } finally {
    await input.close();
  }
  const readSeconds = (performance.now() - t1) / 1000;
  let lines = 0;
  for await (const chunk of createReadStream(copied))
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
  rmSync(copied);

  // The whole replay from the store, in a child process.
  const stats = join(work, 'stats.json');
  const t2 = performance.now();
  const replay = spawnSync(
    process.execPath,
    [join(root, 'bench/replay-runner.cjs'), 'replay', '--as-of', values['as-of'], '--json'],
    {
      env: {
        ...process.env,
        EVENT_STORE: 'postgres',
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        BENCH_STATS: stats,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 2 ** 31,
    },
  );
  const replaySeconds = (performance.now() - t2) / 1000;
  const { code, maxRssKb } = JSON.parse(readFileSync(stats, 'utf8'));
  if (code !== 0) throw new Error(`replay exited ${code}: ${replay.stderr}`);
  console.table([
    {
      events: lines,
      'COPY read s': +readSeconds.toFixed(2),
      'COPY events/s': Math.round(lines / readSeconds),
      'replay from store s': +replaySeconds.toFixed(2),
      'replay events/s': Math.round(lines / replaySeconds),
      'replay peak RSS MB': Math.round(maxRssKb / 1024),
    },
  ]);
  console.log('target: COPY read >= 150k events/s');
} finally {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  await db.close();
  rmSync(work, { recursive: true, force: true });
}
