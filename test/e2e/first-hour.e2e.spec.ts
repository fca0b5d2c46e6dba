import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { forgetQueues } from '../support/engine-harness';
import { Client } from 'pg';

/**
 * An operator's first hour, as a fresh clone's `npm start` meets it: each
 * mistake is one line on stderr naming the variable to fix, with no stack
 * trace, and `kill -TERM` of the npm process stops the server. The engine
 * runs as a child process from its build (`npm test` builds first).
 */
const root = join(__dirname, '..', '..');
const main = join(root, 'apps', 'api', 'dist', 'main.js');

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

const engine = (env: Record<string, string>) => run(process.execPath, [main], env);

/**
 * Starts the engine with something it must wait for, until stderr has said
 * twice what it waits for (`attempt`), then sends SIGTERM: every line said is
 * such an attempt line or the stop, and none is a stack trace.
 */
async function waitingThenStopped(env: Record<string, string>, attempt: RegExp): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (c) => {
      stderr += c;
      if (stderr.split('\n').filter((line) => attempt.test(line)).length >= 2) resolve();
    });
  });
  child.kill('SIGTERM');
  const code = await exited;
  const lines = stderr.trimEnd().split('\n');
  for (const line of lines)
    expect(line).toMatch(/^api: (waiting for .*: attempt \d+ failed|stopped|stopping)/);
  expect(stderr).not.toMatch(/^\s+at |Node\.js v\d/m);
  return { code, stdout, stderr, ms: Date.now() - started };
}

/** stderr is one line, about `variable`, and no stack trace. */
function expectOneLine(outcome: Outcome, pattern: RegExp) {
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/^\s+at |Node\.js v\d/m);
}

describe('npm start with a mistake in its configuration', () => {
  it('a short webhook secret: one line naming WEBHOOKS, the program and the rule', async () => {
    const outcome = await engine({
      WEBHOOKS: JSON.stringify({ callrail: { url: 'https://billing.example/h', secret: 'short' } }),
    });
    expect(outcome.code).toBe(2);
    expectOneLine(
      outcome,
      /^configuration: WEBHOOKS: .*callrail\.secret: must be at least 16 characters$/,
    );
  });

  it('a key for a program it does not run: one line naming API_KEYS and the programs', async () => {
    const outcome = await engine({ API_KEYS: 'kallyai:k-key,callrial:c-key' });
    expect(outcome.code).toBe(2);
    expectOneLine(
      outcome,
      /^configuration: API_KEYS: "callrial" is not a program \(kallyai, callrail, smithai\)$/,
    );
  });

  it('several mistakes: one line each', async () => {
    const outcome = await engine({ PORT: 'eighty', REORDER_WINDOW: 'soon', EVENT_STORE: 'mysql' });
    expect(outcome.code).toBe(2);
    const lines = outcome.stderr.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^configuration: EVENT_STORE: /);
    expect(lines[1]).toBe('configuration: PORT: must be a whole number from 0 to 65535');
    expect(lines[2]).toMatch(/^configuration: REORDER_WINDOW: must be a duration/);
  });

  it('a DATABASE_URL whose role does not exist: one line naming DATABASE_URL', async () => {
    const outcome = await engine({
      EVENT_STORE: 'postgres',
      PORT: '0',
      DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:5432/postgres',
    });
    expect(outcome.code).toBe(1);
    expectOneLine(outcome, /DATABASE_URL: .*role "nobody" does not exist/);
    expect(outcome.stderr).not.toContain('hunter2');
  });

  it('a DATABASE_URL where nothing listens: it waits, a line per attempt naming DATABASE_URL, and stops on SIGTERM', async () => {
    const outcome = await waitingThenStopped(
      {
        EVENT_STORE: 'postgres',
        PORT: '0',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5499/postgres',
      },
      /DATABASE_URL\): attempt \d+ failed: .*ECONNREFUSED 127\.0\.0\.1:5499/,
    );
    expect(outcome.code).toBe(0);
  });

  it('a REDIS_URL where nothing listens: it starts, a line per attempt naming REDIS_URL, and stops on SIGTERM', async () => {
    const outcome = await waitingThenStopped(
      { PORT: '0', REDIS_URL: 'redis://127.0.0.1:6399' },
      /REDIS_URL\): attempt \d+ failed/,
    );
    expect(outcome.code).toBe(0);
  });

  it('a taken port: one line naming PORT, before any start-up work', async () => {
    const taken = await listening();
    const schema = `first_hour_port_${process.pid}`;
    try {
      const port = String(portOf(taken));
      // Redis and the store are wrong too: naming PORT shows the port came first.
      const outcome = await engine({
        EVENT_STORE: 'postgres',
        DATABASE_SCHEMA: schema,
        REDIS_URL: 'redis://127.0.0.1:6399',
        PORT: port,
      });
      expect(outcome.code).toBe(1);
      expectOneLine(outcome, new RegExp(`PORT: 127\\.0\\.0\\.1:${port} is already in use`));
      // And no store was opened: its schema was never created.
      const db = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await db.connect();
      try {
        const found = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        expect(found.rowCount).toBe(0);
      } finally {
        await db.end();
      }
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});

describe('npm start and signals', () => {
  const schema = `first_hour_${process.pid}`;
  const prefix = `first-hour-${process.pid}`;
  let npm: ChildProcess | undefined;

  afterAll(async () => {
    npm?.kill('SIGKILL');
    const db = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
    await forgetQueues(prefix);
  });

  it('kill -TERM of the npm start process stops the server', async () => {
    // A free port: taken by the system, then let go for the engine.
    const probe = await listening();
    const port = portOf(probe);
    await close(probe);
    npm = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        EVENT_STORE: 'postgres',
        DATABASE_SCHEMA: schema,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        ADMIN_API_KEY: 'first-hour-admin-key',
      },
    });
    const exited = new Promise<number | null>((resolve) => npm?.on('exit', resolve));
    let stdout = '';
    npm.stdout?.on('data', (c) => (stdout += c));
    npm.stderr?.resume();
    for (let i = 0; i < 600 && !stdout.includes('listening on'); i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(stdout).toContain(`listening on http://127.0.0.1:${port}`);
    expect(await answers(port)).toBe(true);

    npm.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<string>((r) => setTimeout(() => r('still running'), 20_000)),
    ]);
    expect(code).not.toBe('still running');
    npm.stdout?.destroy();
    npm.stderr?.destroy();
    expect(await answers(port)).toBe(false);
  }, 180_000);
});

function listening(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const close = (server: Server) => new Promise((r) => server.close(r));
const portOf = (server: Server) => (server.address() as { port: number }).port;

/** Whether anything accepts a connection on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = new Socket();
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
