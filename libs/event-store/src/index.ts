// The port and its errors.
export * from './event-store.port';
export * from './expected-version';
// Configuration and factories.
export * from './event-store.config';
export * from './create-event-store';
// Adapters (EventStoreDB is loaded on demand by the factories; import it from its folder if needed).
export * from './in-memory-event-store';
export * from './sql/sql-driver';
export * from './sql/pg-driver';
export * from './sql/pglite-driver';
export * from './sql/event-store.schema';
export * from './sql/sql-event-store';
export * from './sql/sql-checkpoint-store';
// Building blocks for other stores and subscribers.
export * from './polling-subscription';
export * from './subscription-progress';
// Fault injection for the crash tests (libs/event-store is below every lib that commits twice).
export * from './failpoints';
export * from './store-unavailable';
// EventStoreDB: its types here; connectEventStoreDb() (above) loads the adapter on demand.
export type * from './eventstoredb/eventstoredb-store';
