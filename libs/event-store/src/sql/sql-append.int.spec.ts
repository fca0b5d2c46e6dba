import { DEFAULT_DATABASE_URL } from '../event-store.config';
import { WrongExpectedVersionError } from '../event-store.port';
import { ev } from '../testing/contract-fixtures';
import { PgDatabase } from './pg-driver';
import { PgliteDatabase } from './pglite-driver';
import { quoteIdent, SqlClient, SqlDatabase } from './sql-driver';
import { SqlEventStore } from './sql-event-store';

const URL = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

/** A database that counts what the store asks of it. */
function counting(db: SqlDatabase) {
  const counts = { queries: 0, transactions: 0 };
  const wrapped: SqlDatabase = {
    query: (text, params) => (counts.queries++, db.query(text, params)),
    transaction: <T>(work: (tx: SqlClient) => Promise<T>) => (
      counts.transactions++,
      db.transaction(work)
    ),
    close: () => db.close(),
  };
  return { wrapped, counts };
}

const engines: [string, () => Promise<{ db: SqlDatabase; schema: string }>][] = [
  ['PGlite', async () => ({ db: await PgliteDatabase.open('memory://'), schema: 'append' })],
  [
    'PostgreSQL',
    async () => ({
      db: new PgDatabase(URL),
      schema: `append_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
    }),
  ],
];

describe.each(engines)('SQL append on %s', (_name, open) => {
  let db: SqlDatabase;
  let schema: string;
  let store: SqlEventStore;
  let counts: { queries: number; transactions: number };
  let n = 0;
  const stream = () => `s-${++n}`;
  beforeAll(async () => {
    ({ db, schema } = await open());
    const c = counting(db);
    counts = c.counts;
    store = new SqlEventStore(c.wrapped, schema);
    await store.ensureSchema();
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  });

  it('stores a batch of several writes with one statement and no transaction of its own', async () => {
    const [a, b] = [stream(), stream()];
    counts.queries = counts.transactions = 0;
    const results = await store.appendBatch([
      { streamId: a, events: [ev(`${a}-1`), ev(`${a}-2`)] },
      { streamId: b, events: [ev(`${b}-1`)], expectedVersion: 'no_stream' },
    ]);
    expect(counts).toEqual({ queries: 1, transactions: 0 });
    expect(results.map((r) => r.streamVersion)).toEqual([1n, 0n]);
    expect((await store.readStream(a)).map((e) => e.eventId)).toEqual([`${a}-1`, `${a}-2`]);
  });

  it('checks a later write to the same stream against what the earlier one appended', async () => {
    const s = stream();
    const results = await store.appendBatch([
      { streamId: s, events: [ev(`${s}-1`)], expectedVersion: 'no_stream' },
      { streamId: s, events: [ev(`${s}-2`), ev(`${s}-3`)], expectedVersion: 0n },
      { streamId: s, events: [ev(`${s}-2`)], expectedVersion: 0n }, // only a duplicate: no check
    ]);
    expect(results).toEqual([
      { appended: 1, duplicates: 0, duplicateIds: [], streamVersion: 0n },
      { appended: 2, duplicates: 0, duplicateIds: [], streamVersion: 2n },
      { appended: 0, duplicates: 1, duplicateIds: [`${s}-2`], streamVersion: 2n },
    ]);
    const stored = await store.readStream(s);
    expect(stored.map((e) => [e.eventId, e.streamPosition])).toEqual([
      [`${s}-1`, 0n],
      [`${s}-2`, 1n],
      [`${s}-3`, 2n],
    ]);
    // Global positions follow the order of the writes.
    expect(stored[1].globalPosition).toBeGreaterThan(stored[0].globalPosition);
    expect(stored[2].globalPosition).toBeGreaterThan(stored[1].globalPosition);
  });

  it('names the first write whose expectation fails, with the version it found, and stores nothing', async () => {
    const [s, other] = [stream(), stream()];
    await store.appendToStream(s, [ev(`${s}-0`)]);
    const attempt = store.appendBatch([
      { streamId: other, events: [ev(`${other}-1`)] },
      { streamId: s, events: [ev(`${s}-1`)], expectedVersion: 0n },
      { streamId: s, events: [ev(`${s}-2`)], expectedVersion: 5n },
      { streamId: other, events: [ev(`${other}-2`)], expectedVersion: 'no_stream' },
    ]);
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: s, expected: 5n, actual: 1n });
    expect(await store.readStream(other)).toEqual([]);
    expect((await store.readStream(s)).map((e) => e.eventId)).toEqual([`${s}-0`]);
  });

  it('reports named expectations back as given', async () => {
    const s = stream();
    await expect(
      store.appendToStream(s, [ev(`${s}-1`)], { expectedVersion: 'stream_exists' }),
    ).rejects.toMatchObject({ streamId: s, expected: 'stream_exists', actual: -1n });
  });
});

describe('SQL append on PostgreSQL, durability', () => {
  const schema = `append_durable_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const db = new PgDatabase(URL);
  const store = new SqlEventStore(db, schema);
  const other = new PgDatabase(URL);
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await Promise.all([db.close(), other.close()]);
  });

  it('answers an append only once its events are committed: another connection sees them then', async () => {
    const appends = Array.from({ length: 20 }, (_, i) =>
      store.appendToStream(`durable-${i % 3}`, [ev(`durable-${i}`)]).then(async () => {
        const [row] = await other.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${quoteIdent(schema)}.events WHERE event_id = $1`,
          [`durable-${i}`],
        );
        return row.n;
      }),
    );
    expect(await Promise.all(appends)).toEqual(Array(20).fill('1'));
  });
});
