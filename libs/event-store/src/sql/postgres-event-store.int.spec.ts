import { Client } from 'pg';
import { createEventStore } from '../create-event-store';
import { DEFAULT_DATABASE_URL } from '../event-store.config';
import {
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
  WrongExpectedVersionError,
} from '../event-store.port';
import { ev } from '../testing/contract-fixtures';
import { eventStoreContract } from '../testing/event-store.contract';
import { lastPosition } from '../testing/read-all.contract';
import { PgDatabase } from './pg-driver';
import { quoteIdent } from './sql-driver';
import { SqlEventStore } from './sql-event-store';

const URL = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const freshSchema = () => `es_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

/** A store on its own pool in a fresh schema: several of them act like several processes. */
async function openPostgres(schema = freshSchema()) {
  const store = (await createEventStore({ kind: 'postgres', url: URL, schema })) as SqlEventStore;
  return {
    store,
    schema,
    cleanup: async () => {
      await store.db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await store.close();
    },
  };
}

eventStoreContract('PostgreSQL', () => openPostgres());

describe('PostgreSQL event store, with several processes at once', () => {
  let main: Awaited<ReturnType<typeof openPostgres>>;
  let others: SqlEventStore[];
  let raw: Client;
  let s: string;
  const subscriptions: Subscription[] = [];
  const follow = (options: SubscriptionOptions) => {
    const subscription = main.store.subscribe(options);
    subscriptions.push(subscription);
    return subscription;
  };
  /** Inserts an event the way the store's appends do, in a transaction left open on `raw`. */
  const insertUncommitted = async (streamId: string, eventId: string): Promise<string> => {
    await raw.query('BEGIN');
    const [{ position }] = (
      await raw.query(`SELECT (${s}.reserve_global_positions(1))[1]::text AS position`)
    ).rows;
    await raw.query(
      `INSERT INTO ${s}.events (global_position, stream_id, stream_position, event_id, type, data)
       VALUES ($1, $2, 0, $3, 'T', '{}')`,
      [position, streamId, eventId],
    );
    return position;
  };
  beforeAll(async () => {
    main = await openPostgres();
    s = quoteIdent(main.schema);
    others = [new SqlEventStore(new PgDatabase(URL), main.schema, { ownsDatabase: true })];
    others.push(new SqlEventStore(new PgDatabase(URL), main.schema, { ownsDatabase: true }));
    raw = new Client({ connectionString: URL });
    await raw.connect();
  });
  afterEach(async () => {
    // A failed test must not leave a transaction open (it would hold back every reader
    // in the cluster) nor a subscription running (jest would never exit).
    await raw.query('ROLLBACK');
    await Promise.all(subscriptions.splice(0).map((sub) => sub.stop()));
  });
  afterAll(async () => {
    await raw.end();
    await Promise.all(others.map((o) => o.close()));
    await main.cleanup();
  });

  it('never lets a reader pass an event whose transaction commits after a later one', async () => {
    const seen: string[] = [];
    const subscription = follow({
      subscriptionId: 'late-commit',
      streamPrefixes: ['late:'],
      handle: async (events) => void seen.push(...events.map((e) => e.eventId)),
    });
    await main.store.appendToStream('late:before', [ev('before')]);
    await subscription.caughtUp();
    const before = await lastPosition(main.store);
    // Transaction A takes its position, as the store's appends do, and stays open...
    const position = await insertUncommitted('late:a', 'a');
    // ...while B, positioned after it, commits first.
    await others[0].appendToStream('late:b', [ev('b')]);
    const b = (await others[0].readStream('late:b'))[0];
    expect(b.globalPosition).toBeGreaterThan(BigInt(position));
    expect(await main.store.readAll({ after: before })).toEqual([]); // B waits for A
    await new Promise((resolve) => setTimeout(resolve, 150)); // several polls
    expect(seen).toEqual(['before']);
    await raw.query('COMMIT');
    const afterCommit = await main.store.readAll({ after: before });
    expect(afterCommit.map((e) => e.eventId)).toEqual(['a', 'b']);
    await subscription.caughtUp();
    await subscription.stop();
    expect(seen).toEqual(['before', 'a', 'b']);
  });

  it('refuses to hand out positions to a transaction that already took its xid', async () => {
    // Such a transaction could commit positions above a younger one still in flight.
    await raw.query('BEGIN');
    await raw.query('SELECT pg_current_xact_id()');
    await expect(raw.query(`SELECT ${s}.reserve_global_positions(1)`)).rejects.toThrow(
      /must come before the transaction's first write/,
    );
    await raw.query('ROLLBACK');
  });

  it('lets exactly one of two processes expecting the same version win, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const streamId = `race:${round}`;
      const outcomes = await Promise.allSettled(
        others.map((store, i) =>
          store.appendToStream(streamId, [ev(`race-${round}-${i}`)], {
            expectedVersion: 'no_stream',
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(await main.store.readStream(streamId)).toHaveLength(1);
    }
  });

  it('reports an id committed meanwhile in another stream as a duplicate, not an error', async () => {
    await insertUncommitted('dup:one', 'same-id');
    // This append cannot see the uncommitted id; its insert waits on the unique index.
    const pending = main.store.appendToStream('dup:two', [ev('same-id'), ev('other-id')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await raw.query('COMMIT');
    expect(await pending).toMatchObject({ appended: 1, duplicateIds: ['same-id'] });
    expect((await main.store.readStream('dup:two')).map((e) => e.eventId)).toEqual(['other-id']);
  });

  it('delivers every event once, in order, while processes append concurrently', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = follow({
      subscriptionId: 'busy',
      streamPrefixes: ['busy:'],
      batchSize: 7,
      handle: async (events) => void seen.push(...events),
    });
    const writers = [main.store, ...others].map(async (store, w) => {
      for (let i = 0; i < 40; i++) {
        const events = [ev(`busy-${w}-${i}-a`), ev(`busy-${w}-${i}-b`)];
        await store.appendToStream(`busy:${w}:${i % 4}`, events);
      }
    });
    await Promise.all(writers);
    await subscription.caughtUp();
    await subscription.stop();
    expect(seen).toHaveLength(3 * 40 * 2);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
    seen
      .slice(1)
      .forEach((e, i) => expect(e.globalPosition).toBeGreaterThan(seen[i].globalPosition));
  });
});
