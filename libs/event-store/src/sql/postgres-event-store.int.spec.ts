import { Client } from 'pg';
import { eventStoreContract } from '../testing/event-store.contract';
import { createEventStoreSchema } from './event-store.schema';
import { PgDatabase } from './pg-driver';
import { quoteIdent } from './sql-driver';
import { SqlEventStore } from './sql-event-store';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schemaName = () => `contract_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function openPostgres() {
  const schema = schemaName();
  const db = new PgDatabase(URL);
  await createEventStoreSchema(db, schema);
  return {
    db,
    schema,
    store: new SqlEventStore(db, schema),
    cleanup: async () => {
      await db.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
      await db.close();
    },
  };
}

eventStoreContract('PostgreSQL', openPostgres);

describe('PostgreSQL event store, when a transaction commits after a later one', () => {
  it('never lets a reader skip the earlier event', async () => {
    const { store, db, schema, cleanup } = await openPostgres();
    const slow = new Client({ connectionString: URL });
    await slow.connect();
    try {
      await store.appendToStream('late:before', [{ eventId: 'before', type: 'T', data: {} }]);
      const [before] = await store.readAll();
      // Transaction A takes a position and stays open...
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO ${quoteIdent(schema)}.events (stream_id, stream_position, event_id, type, data) VALUES ('late:a', 0, 'a', 'T', '{}')`,
      );
      // ...while B, positioned after it, commits first.
      await store.appendToStream('late:b', [{ eventId: 'b', type: 'T', data: {} }]);
      const whileOpen = await store.readAll({ after: before.globalPosition });
      expect(whileOpen).toEqual([]); // B is held back: A might still commit below it
      await slow.query('COMMIT');
      const afterCommit = await store.readAll({ after: before.globalPosition });
      expect(afterCommit.map((e) => e.eventId)).toEqual(['a', 'b']);
    } finally {
      await slow.end();
      await cleanup();
      void db;
    }
  });
});
