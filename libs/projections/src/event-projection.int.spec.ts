import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@referrals/event-store';
import { openStores, OpenStores, quoteIdent } from '@referrals/event-store';
import { EventProjection, ProjectionRunner } from './event-projection';
import { createReadModelSchema } from './read-model.schema';
import type { SqlClient } from './sql-database';

const schema = `event_projection_${process.pid}`;

/** Counts each event it applies, in a table and in memory. */
class CountingProjection implements EventProjection {
  readonly applied: string[] = [];
  constructor(
    readonly name: string,
    readonly streamPrefixes: readonly string[],
  ) {}
  async apply(tx: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const e of events) {
      // A second application of an event breaks the primary key and rolls the batch back.
      await tx.query(`INSERT INTO ${quoteIdent(schema)}.applied (event_id) VALUES ($1)`, [
        e.eventId,
      ]);
      this.applied.push(e.eventId);
    }
  }
}

describe('a projection kept caught up by several runners (PostgreSQL)', () => {
  let stores: OpenStores;
  beforeAll(async () => {
    stores = await openStores({ kind: 'postgres', url: process.env.DATABASE_URL, schema });
    await createReadModelSchema(stores.sql, schema);
    await stores.sql.query(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.applied (event_id text PRIMARY KEY)`,
    );
  });
  afterAll(async () => {
    await stores.sql.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await stores.sql.close();
  });

  it('applies every event once, whichever runner gets there, and moves the checkpoint with the rows', async () => {
    const prefix = `counted-${randomUUID()}:`;
    const name = `counting-${randomUUID()}`;
    for (let i = 0; i < 30; i++)
      await stores.store.appendToStream(`${prefix}${i % 3}`, [
        { eventId: `${prefix}e${i}`, type: 'Counted', data: { i } },
      ]);
    await stores.store.appendToStream('elsewhere', [
      { eventId: `${prefix}other`, type: 'Other', data: {} },
    ]);
    const projections = [0, 1, 2].map(() => new CountingProjection(name, [prefix]));
    const runners = projections.map(
      (p) => new ProjectionRunner(stores.sql, schema, stores.store, p, 7),
    );
    // The store shows an event once the transactions begun before it end: wait for the last one.
    const last = (await stores.store.readStream(`${prefix}2`)).at(-1)!.globalPosition;
    await Promise.all(runners.flatMap((r) => [r.catchUpTo(last, 30_000), r.catchUp()]));
    const applied = projections.flatMap((p) => p.applied);
    expect(applied.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `${prefix}e${i}`).sort());
    expect(await runners[0].checkpoint()).toBeGreaterThanOrEqual(last);

    // Forgotten, the checkpoint starts the fold again from the first event.
    await stores.sql.transaction((tx) => runners[0].reset(tx));
    expect(await runners[0].checkpoint()).toBe(-1n);
  });
});
