import { PgliteDatabase } from '../sql/pglite-driver';
import { createEventStoreSchema } from '../sql/event-store.schema';
import { eventStoreContract } from '../testing/event-store.contract';
import { EventStoreDbStore } from './eventstoredb-store';

const CONNECTION = process.env.EVENTSTORE_CONNECTION_STRING;

if (!CONNECTION) {
  // No EventStoreDB server here: say so instead of passing silently.
  describe.skip('EventStoreDB event store (skipped: EVENTSTORE_CONNECTION_STRING is not set; `docker compose up -d eventstoredb`)', () => {
    it('runs the shared contract suite', () => undefined);
  });
} else {
  eventStoreContract(
    'EventStoreDB',
    async () => {
      const sql = await PgliteDatabase.open('memory://');
      await createEventStoreSchema(sql, 'esdb');
      const store = EventStoreDbStore.connect(CONNECTION, sql, 'esdb');
      return { store, cleanup: async () => (await store.close(), await sql.close()) };
    },
    { atomicBatches: false }, // EventStoreDB appends atomically per stream only
  );
}
