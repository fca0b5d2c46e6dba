import type { EventStore } from './event-store.port';
import type { EventStoreDbOptions } from './eventstoredb/eventstoredb-store';
import {
  createSqlDriver,
  DEFAULT_SCHEMA,
  EventStoreConfig,
  EventStoreKind,
} from './event-store.config';
import { InMemoryEventStore } from './in-memory-event-store';
import { SqlCheckpointStore } from './sql/sql-checkpoint-store';
import { createEventStoreSchema } from './sql/event-store.schema';
import type { SqlDatabase } from './sql/sql-driver';
import { SqlEventStore } from './sql/sql-event-store';

/**
 * Opens the configured event store on its own; its close() releases what it
 * opened (the pool, the PGlite instance, the gRPC client). Pass `sql` to run
 * a SQL store over a database you already hold (it is then yours to close).
 * EventStoreDB keeps subscription checkpoints in its own streams.
 */
export async function createEventStore(
  config: EventStoreConfig,
  options: { sql?: SqlDatabase } = {},
): Promise<EventStore> {
  switch (config.kind) {
    case 'memory':
      return new InMemoryEventStore();
    case 'pglite':
    case 'postgres': {
      const sql = options.sql ?? (await createSqlDriver(config));
      const store = new SqlEventStore(sql, config.schema ?? DEFAULT_SCHEMA, {
        ownsDatabase: !options.sql,
        pollIntervalMs: config.pollIntervalMs,
      });
      // Now rather than on first use: a wrong URL or a missing server shows at start-up.
      await store.ensureSchema().catch(async (error) => {
        await store.close();
        throw error;
      });
      return store;
    }
    case 'eventstoredb': {
      if (!config.connectionString) {
        throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
      }
      return connectEventStoreDb(config.connectionString);
    }
    default: {
      const exhaustive: never = config.kind;
      throw new Error(`unknown event store ${String(exhaustive)}`);
    }
  }
}

/**
 * The EventStoreDB adapter, loaded on demand: its gRPC client takes ~130 ms
 * to import, which no other deployment (nor any test of other code) should pay.
 */
export async function connectEventStoreDb(
  connectionString: string,
  options: EventStoreDbOptions = {},
): Promise<EventStore> {
  const { EventStoreDbStore } = await import('./eventstoredb/eventstoredb-store');
  return EventStoreDbStore.connect(connectionString, options);
}

/** The configuration openStores() takes: createEventStore()'s, and a database to share. */
export interface StoreConfig extends EventStoreConfig {
  /** An open database to use instead of opening one (tests share one PGlite). */
  readonly shared?: SqlDatabase;
}

export interface OpenStores {
  readonly store: EventStore;
  /** The SQL database for read models: the events' own, or PostgreSQL/PGlite beside EventStoreDB. */
  readonly sql: SqlDatabase;
}

/**
 * Opens the event store and the SQL database the read models live in, as
 * the engine's runtime needs them. Close both: `store.close()`, then
 * `sql.close()` (the store does not close the shared database). Beside
 * EventStoreDB, subscription checkpoints go to that SQL database.
 */
export async function openStores(config: StoreConfig): Promise<OpenStores> {
  const sql = config.shared ?? (await createSqlDriver(config));
  try {
    return await openOn(sql, config);
  } catch (error) {
    if (!config.shared) await sql.close().catch(() => undefined);
    throw error;
  }
}

async function openOn(sql: SqlDatabase, config: StoreConfig): Promise<OpenStores> {
  const schema = config.schema ?? DEFAULT_SCHEMA;
  switch (config.kind) {
    case 'pglite':
    case 'postgres': {
      const store = new SqlEventStore(sql, schema, { pollIntervalMs: config.pollIntervalMs });
      await store.ensureSchema();
      return { store, sql };
    }
    case 'memory':
      return { store: new InMemoryEventStore(), sql };
    case 'eventstoredb': {
      if (!config.connectionString) {
        throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
      }
      await createEventStoreSchema(sql, schema); // for its checkpoints table
      const checkpoints = new SqlCheckpointStore(sql, schema);
      return { store: await connectEventStoreDb(config.connectionString, { checkpoints }), sql };
    }
    default: {
      const exhaustive: never = config.kind;
      throw new Error(`unknown event store ${String(exhaustive as EventStoreKind)}`);
    }
  }
}
