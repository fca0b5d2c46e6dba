import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ProgramRegistry } from '@referrals/domain';
import { createEventStore, EventStore, quoteIdent } from '@referrals/event-store';
import { EventIngestor } from '@referrals/ingestion';
import { example, runCli } from '../testing/run-cli';
import { withEnv } from '../testing/with-env';

/**
 * `referrals replay` without --input reads the configured event store: a
 * history ingested through the API's ingestor replays exactly as its NDJSON.
 */

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const root = join(__dirname, '..', '..', '..', '..');

/** A synthetic history of all three programs (duplicates and late arrivals included), from the benchmark's generator. */
function generatedHistory(file: string, events: number) {
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `import { generateHistory } from ${JSON.stringify(join(root, 'bench', 'generate-history.mjs'))};
     await generateHistory(${JSON.stringify(file)}, ${events});`,
  ]);
}

/** Posts the file's lines in file order, as upstream delivered them, 100 at a time. */
async function ingestFile(store: EventStore, file: string) {
  const ingestor = new EventIngestor(
    store,
    ProgramRegistry.withBuiltins(),
    () => new Date('2030-01-01T00:00:00Z'),
  );
  const events = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  let stored = 0;
  for (let i = 0; i < events.length; i += 100) {
    const outcome = await ingestor.ingest(events.slice(i, i + 100));
    if (outcome.status !== 'accepted') throw new Error(JSON.stringify(outcome));
    stored += outcome.stored;
  }
  return { delivered: events.length, stored };
}

describe('replay from the event store', () => {
  let folder: string;
  let history: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'replay-store-'));
    history = join(folder, 'history.ndjson');
    generatedHistory(history, 2500);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const stores: [string, () => Record<string, string>][] = [
    [
      'PostgreSQL (COPY)',
      () => ({
        EVENT_STORE: 'postgres',
        DATABASE_URL,
        DATABASE_SCHEMA: `cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
      }),
    ],
    [
      'PGlite (pages of readAll)',
      () => ({ EVENT_STORE: 'pglite', DATA_DIR: join(folder, 'pglite') }),
    ],
  ];

  describe.each(stores)('on %s', (_name, settings) => {
    let env: Record<string, string>;
    beforeAll(() => {
      env = settings();
    });
    afterAll(async () => {
      if (env.EVENT_STORE !== 'postgres') return;
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(env.DATABASE_SCHEMA)} CASCADE`);
      await client.end();
    });

    it('replays what was ingested exactly as the NDJSON it came from', async () => {
      const store = await createEventStore({
        kind: env.EVENT_STORE as 'postgres' | 'pglite',
        url: env.DATABASE_URL,
        schema: env.DATABASE_SCHEMA,
        dataDir: env.DATA_DIR,
      });
      let ingested: { delivered: number; stored: number };
      try {
        ingested = await ingestFile(store, history);
        // The example history too: codes, self-referral, checks; after the generated one in the store.
        const more = await ingestFile(store, example('histories', 'all-programs.ndjson'));
        ingested = {
          delivered: ingested.delivered + more.delivered,
          stored: ingested.stored + more.stored,
        };
      } finally {
        await store.close();
      }
      expect(ingested.stored).toBeLessThan(ingested.delivered); // the generator delivers some twice

      const both = join(folder, 'both.ndjson');
      execFileSync('sh', [
        '-c',
        `cat "${history}" "${example('histories', 'all-programs.ndjson')}" > "${both}"`,
      ]);
      const asOf = '2026-06-01';
      const fromFile = await runCli(['replay', '--input', both, '--as-of', asOf, '--json']);
      expect(fromFile.code).toBe(0);
      const fromStore = await withEnv(env, () => runCli(['replay', '--as-of', asOf, '--json']));
      expect(fromStore.stderr).toBe(
        `${ingested.stored} events read, 0 duplicates, ` +
          fromFile.stderr.replace(/^\d+ events read, \d+ duplicates, /, ''),
      );
      expect(fromStore.code).toBe(0);
      const result = JSON.parse(fromStore.stdout);
      expect(result.referrals.length).toBeGreaterThan(100);
      expect(result.rewards.length).toBeGreaterThan(50);
      expect(fromStore.stdout).toBe(fromFile.stdout);
    }, 120_000);
  });

  it('says so in one line, exit 2, when the configured schema holds no events', async () => {
    const run = await withEnv(
      { EVENT_STORE: 'postgres', DATABASE_URL, DATABASE_SCHEMA: 'cli_nowhere_to_be_found' },
      () => runCli(['replay', '--json']),
    );
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^no --input, and schema cli_nowhere_to_be_found .* holds no events table\n$/,
      ),
    });
  });

  it('refuses the in-memory store, which keeps no history', async () => {
    const run = await withEnv({ EVENT_STORE: 'memory' }, () => runCli(['replay']));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('no --input, and EVENT_STORE=memory keeps no history to replay\n');
  });

  it('refuses a DATA_DIR that holds no PGlite database, and makes none there (a replay only reads)', async () => {
    const dataDir = join(tmpdir(), `referrals-no-data-${process.pid}`, 'a', 'b');
    const run = await withEnv({ EVENT_STORE: 'pglite', DATA_DIR: dataDir }, () =>
      runCli(['replay']),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `no --input, and DATA_DIR ${dataDir} holds no PGlite database (no ${join(dataDir, 'pglite')})\n`,
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('answers a store setting the analyst typed wrong with exit 2, naming it', async () => {
    const run = await withEnv(
      { EVENT_STORE: 'postgres', DATABASE_URL, DATABASE_SCHEMA: '1abc' },
      () =>
        runCli(['migrate-rules', '--program-file', example('programs', 'callrail-capped.json')]),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^settings: DATABASE_SCHEMA: /);
  });

  // replay, diff and explain read the store through its own settings, not the API's
  // configuration: they once took any schema name, and PGlite's replayed as empty, exit 0.
  describe.each([
    ['replay', ['replay', '--as-of', '2026-06-01', '--json']],
    ['diff', ['diff', '--program-file', example('programs', 'callrail-capped.json')]],
    ['explain', ['explain', '--program', 'callrail', '--referee', 'r1']],
  ])('%s from the store', (_, args) => {
    it.each(['postgres', 'pglite'])(
      'refuses a DATABASE_SCHEMA that breaks its rule, on %s, before opening it',
      async (store) => {
        const run = await withEnv(
          { EVENT_STORE: store, DATABASE_URL, DATA_DIR: tmpdir(), DATABASE_SCHEMA: 'Bad-X' },
          () => runCli(args),
        );
        expect(run).toEqual({
          code: 2,
          stdout: '',
          stderr: 'settings: DATABASE_SCHEMA: must be a lower-case SQL name: a-z, 0-9 and _\n',
        });
      },
    );
  });
});
