import { createEventStore } from '../create-event-store';
import { eventStoreContract } from '../testing/event-store.contract';

// One in-memory PGlite for the whole suite (it takes seconds to start), opened
// through the factory, whose store closes it. PGlite is a single connection,
// so the late-commit case runs on real PostgreSQL only (postgres-event-store.int.spec.ts).
eventStoreContract('PGlite', async () => {
  const store = await createEventStore({
    kind: 'pglite',
    dataDir: 'memory://',
    schema: 'contract',
  });
  return { store, cleanup: () => store.close() };
});
