import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';
import { PgDatabase } from './sql/pg-driver';
import { PgliteDatabase } from './sql/pglite-driver';
import { createEventStoreSchema } from './sql/event-store.schema';
import type { SqlDatabase } from './sql/sql-driver';
import { SqlEventStore } from './sql/sql-event-store';

export type EventStoreKind = 'pglite' | 'postgres' | 'eventstoredb' | 'memory';

export interface StoreConfig {
  readonly kind: EventStoreKind;
  /** PGlite's folder (its files go in `<dataDir>/pglite`), or `memory://`. */
  readonly dataDir?: string;
  /** PostgreSQL, for events (`postgres`) or for the read models beside EventStoreDB. */
  readonly url?: string;
  readonly schema?: string;
  readonly connectionString?: string;
  /** An open database to use instead of opening one (tests share one PGlite). */
  readonly shared?: SqlDatabase;
}

export interface OpenStores {
  readonly store: EventStore;
  /** The SQL database for read models: the events' own, or PostgreSQL/PGlite beside EventStoreDB. */
  readonly sql: SqlDatabase;
}

/** Opens the configured event store and the SQL database the read models live in. */
export async function openStores(config: StoreConfig): Promise<OpenStores> {
  const schema = config.schema ?? 'referrals';
  switch (config.kind) {
    case 'pglite':
    case 'postgres': {
      const sql = config.shared ?? (await openSql(config));
      await createEventStoreSchema(sql, schema);
      return { store: new SqlEventStore(sql, schema), sql };
    }
    case 'memory':
      return {
        store: new InMemoryEventStore(),
        sql: config.shared ?? (await PgliteDatabase.open('memory://')),
      };
    case 'eventstoredb': {
      if (!config.connectionString)
        throw new Error('EVENTSTORE_CONNECTION_STRING is required for EVENT_STORE=eventstoredb');
      // Loaded on demand: the gRPC client is heavy and only this deployment needs it.
      const { EventStoreDbStore } = await import('./eventstoredb/eventstoredb-store');
      const sql =
        config.shared ?? (await openSql({ ...config, kind: config.url ? 'postgres' : 'pglite' }));
      await createEventStoreSchema(sql, schema); // for its checkpoints table
      return { store: EventStoreDbStore.connect(config.connectionString, sql, schema), sql };
    }
    default: {
      const exhaustive: never = config.kind;
      throw new Error(`unknown event store ${String(exhaustive)}`);
    }
  }
}

function openSql(config: StoreConfig): Promise<SqlDatabase> {
  if (config.kind === 'postgres') {
    return Promise.resolve(
      new PgDatabase(config.url ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
    );
  }
  const dataDir = config.dataDir ?? './data';
  return PgliteDatabase.open(dataDir === 'memory://' ? dataDir : join(dataDir, 'pglite'));
}
