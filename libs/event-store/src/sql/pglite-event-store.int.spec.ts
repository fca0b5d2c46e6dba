import { eventStoreContract } from '../testing/event-store.contract';
import { createEventStoreSchema } from './event-store.schema';
import { PgliteDatabase } from './pglite-driver';
import { SqlEventStore } from './sql-event-store';

// PGlite is one connection: the late-commit case needs real PostgreSQL (postgres-event-store.int.spec.ts).
eventStoreContract('PGlite', async () => {
  const db = await PgliteDatabase.open('memory://');
  await createEventStoreSchema(db, 'contract');
  return { store: new SqlEventStore(db, 'contract'), cleanup: () => db.close() };
});
