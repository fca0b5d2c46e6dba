import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import type { BillingEvent } from '@referrals/contracts';
import { configSchema } from '@referrals/runtime';
import { RunningEngine, startEngine } from '../../apps/api/src/main';
import { dropSchema } from './schemas';

export const ADMIN_KEY = 'test-admin-key';
export const KALLYAI_KEY = 'test-kallyai-key';
export const WINDOW_MS = 300;

/** A fresh schema on the machine's PostgreSQL (or `DATABASE_URL`'s), for `startTestEngine(onPostgres())`. */
export const onPostgres = () => ({
  EVENT_STORE: 'postgres',
  DATABASE_SCHEMA: `e2e_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
  ...(process.env.DATABASE_URL && { DATABASE_URL: process.env.DATABASE_URL }),
});

/** A running engine (API + worker), by default on an embedded PGlite in a temporary folder. */
export async function startTestEngine(
  overrides: Record<string, string> = {},
  clock: () => number = Date.now,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'referrals-e2e-'));
  const config = configSchema.parse({
    PORT: '0',
    EVENT_STORE: 'pglite',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: ADMIN_KEY,
    API_KEYS: `kallyai:${KALLYAI_KEY}`,
    REORDER_WINDOW: `${WINDOW_MS}ms`,
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...overrides,
  });
  const engine = await startEngine(config, undefined, clock);
  return {
    engine,
    async stop() {
      // The engine stops first: dropping its schema under a running sweep or
      // projector deadlocks with their queries, and a failed stop would leave
      // its pools reconnecting into the next suite of this jest worker.
      try {
        await engine.close();
      } finally {
        if (config.EVENT_STORE === 'postgres')
          await dropSchema(config.DATABASE_URL, config.DATABASE_SCHEMA);
        rmSync(dataDir, { recursive: true, force: true });
        await forgetQueues(config.QUEUE_PREFIX);
      }
    },
  };
}

/** Deletes a test's queues and leases from the shared Redis. */
export async function forgetQueues(prefix: string) {
  const redis = new IORedis('redis://127.0.0.1:6379');
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  } finally {
    redis.disconnect();
  }
}

export async function api(
  engine: RunningEngine,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = ADMIN_KEY,
  // Response bodies are checked field by field in the tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${engine.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(key !== null && { authorization: `Bearer ${key}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, body: text && json ? JSON.parse(text) : text || undefined };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the worker has applied everything and the reordering windows have gone quiet. */
export async function untilIdle(engine: RunningEngine) {
  for (let i = 0; i < 3; i++) {
    await sleep(WINDOW_MS + 50);
    await engine.worker?.settle();
  }
}

/** An example history's file: `examples/histories/<name>.ndjson`. */
export const exampleHistory = (name: string) =>
  join(__dirname, '..', '..', 'examples', 'histories', `${name}.ndjson`);

export const readEvents = (path: string): BillingEvent[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as BillingEvent);

/** Stable: events of the same instant keep their file order. */
export const inTimeOrder = (events: BillingEvent[]) =>
  events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) || a.i - b.i)
    .map((e) => e.event);
