import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PgDatabase, quoteIdent } from '@referrals/event-store';

const ROOT = join(__dirname, '..', '..');
/** The built API and worker, as deployed (`npm test` builds first). */
export const BUILT_API = join(ROOT, 'apps', 'api', 'dist', 'main.js');
export const BUILT_WORKER = join(ROOT, 'apps', 'worker', 'dist', 'main.js');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BuiltProcess {
  readonly child: ChildProcess;
  /** What it wrote so far. */
  readonly output: { stdout: string; stderr: string };
  /** How it ended: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A built process of the engine on PostgreSQL, JSON logs at warn, on
 * 127.0.0.1; `env` adds to or overrides that (its key, its Redis, its port).
 */
export function startBuilt(main: string, env: Record<string, string>): BuiltProcess {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      EVENT_STORE: 'postgres',
      HOST: '127.0.0.1',
      RUN_WORKER: 'false',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The built processes of a suite, each on a schema and queue prefix of its own
 * unless `env` names another's DATABASE_SCHEMA, with `defaults()` (its key, its
 * Redis) under every `env`. `stopAll` after each test, `dropAll` after all.
 */
export class BuiltProcesses {
  private readonly direct = new PgDatabase(LOCAL_POSTGRES, { onError: () => undefined });
  private readonly schemas: string[] = [];
  private readonly running: BuiltProcess[] = [];

  constructor(
    private readonly schemaPrefix: string,
    private readonly defaults: () => Record<string, string>,
  ) {}

  /** A schema of its own, for several processes to share (pass it as DATABASE_SCHEMA). */
  newSchema(): string {
    const schema = `${this.schemaPrefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    this.schemas.push(schema);
    return schema;
  }

  start(main: string, env: Record<string, string> = {}): BuiltProcess {
    const schema = env.DATABASE_SCHEMA ?? this.newSchema();
    const built = startBuilt(main, {
      DATABASE_URL: LOCAL_POSTGRES,
      DATABASE_SCHEMA: schema,
      QUEUE_PREFIX: schema,
      ...this.defaults(),
      ...env,
    });
    this.running.push(built);
    return built;
  }

  async stopAll(): Promise<void> {
    for (const built of this.running.splice(0)) await stopBuilt(built);
  }

  async dropAll(): Promise<void> {
    for (const schema of this.schemas)
      await this.direct.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await this.direct.close();
  }
}

/** The lines a process wrote, blank ones left out. */
export const linesOf = (text: string) => text.split('\n').filter(Boolean);

/** SIGTERM, and SIGKILL if it has not ended 5 s later. */
export async function stopBuilt({ child, exited }: BuiltProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}

/** How it ended, within `withinMs` (still running then: fails, naming what it said on stderr). */
export async function exitWithin(built: BuiltProcess, withinMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running after ${withinMs} ms:\n${built.output.stderr}`)),
      withinMs,
    );
  });
  try {
    return await Promise.race([built.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One request with the admin key; the answer's status, type, Retry-After and parsed body. */
export async function adminRequest(
  base: string,
  adminKey: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    retryAfter: response.headers.get('retry-after'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
    body: (text ? JSON.parse(text) : undefined) as any,
  };
}

/** Probes every 100 ms until it gives a value (a throw counts as none); fails after `withinMs`. */
export async function until<T>(
  what: string,
  withinMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(100);
  }
}

/** A CallRail signup a minute old: an event a test posts and then finds stored, or not. */
export const recentSignup = (id: string, accountId: string) => ({
  id,
  type: 'account.signed_up',
  program: 'callrail',
  accountId,
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  data: {},
});

/**
 * Waits until the built API at `base` is alive (`despite`: what it is alive
 * despite, for the failure message), then asks whether it is ready: it must
 * not be (503, a not-ready problem with Retry-After). Returns that problem's
 * body, for what the caller expects it to name.
 */
export async function aliveButNotReady(base: string, adminKey: string, despite: string) {
  const live = await until(`alive while ${despite}`, 15_000, async () => {
    const answer = await adminRequest(base, adminKey, 'GET', '/health/live');
    return answer.status === 200 ? answer : undefined;
  });
  expect(live.body).toEqual({ status: 'ok' });
  const ready = await adminRequest(base, adminKey, 'GET', '/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.type).toBe('application/problem+json');
  expect(Number(ready.retryAfter)).toBeGreaterThan(0);
  expect(ready.body).toMatchObject({ type: 'urn:referrals:problem:not-ready', status: 503 });
  return ready.body;
}
