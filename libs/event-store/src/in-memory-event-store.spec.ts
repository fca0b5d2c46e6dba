import { InMemoryEventStore } from './in-memory-event-store';
import { eventStoreContract } from './testing/event-store.contract';

eventStoreContract('in-memory', async () => ({
  store: new InMemoryEventStore(),
  cleanup: async () => undefined,
}));
