import { join } from 'node:path';
import { PgDatabase } from './sql/pg-driver';
import { PgliteDatabase } from './sql/pglite-driver';
import type { SqlDatabase } from './sql/sql-driver';

export type EventStoreKind = 'pglite' | 'postgres' | 'eventstoredb' | 'memory';
const KINDS: readonly EventStoreKind[] = ['pglite', 'postgres', 'eventstoredb', 'memory'];

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_SCHEMA = 'referrals';

/** Which event store to open, and where. */
export interface EventStoreConfig {
  readonly kind: EventStoreKind;
  /** PGlite keeps its files in `<dataDir>/pglite`; `memory://` keeps it in memory. */
  readonly dataDir?: string;
  /** PostgreSQL: the events' database (`postgres`), or the read models' beside EventStoreDB. */
  readonly url?: string;
  /** The SQL schema of the event tables (default `referrals`). */
  readonly schema?: string;
  /** EventStoreDB, e.g. `esdb://localhost:2113?tls=false`. */
  readonly connectionString?: string;
  /** How often a subscription polls the SQL store when idle (default 50 ms). */
  readonly pollIntervalMs?: number;
}

/** The rule of DATABASE_SCHEMA: a name every SQL statement can take unquoted. */
export const SQL_SCHEMA_NAME = {
  pattern: /^[a-z_][a-z0-9_]*$/,
  rule: 'must be a lower-case SQL name: a-z, 0-9 and _',
} as const;

/** Store settings that break their rules, each as `VARIABLE: rule`. */
export class StoreSettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'StoreSettingsError';
  }
}

/**
 * Reads EVENT_STORE (default `pglite`), DATA_DIR (default `./data`),
 * DATABASE_URL, DATABASE_SCHEMA and EVENTSTORE_CONNECTION_STRING, and refuses
 * them (StoreSettingsError) where they break the rules the API's
 * configuration holds them to.
 */
export function eventStoreConfigFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EventStoreConfig {
  const kind = (env.EVENT_STORE || 'pglite') as EventStoreKind;
  const problems: string[] = [];
  if (!KINDS.includes(kind)) {
    problems.push(`EVENT_STORE: must be one of ${KINDS.join(', ')} (got "${env.EVENT_STORE}")`);
  }
  if (kind === 'eventstoredb' && !env.EVENTSTORE_CONNECTION_STRING) {
    problems.push('EVENTSTORE_CONNECTION_STRING: is needed with EVENT_STORE=eventstoredb');
  }
  const schema = env.DATABASE_SCHEMA ?? DEFAULT_SCHEMA;
  if (!SQL_SCHEMA_NAME.pattern.test(schema)) {
    problems.push(`DATABASE_SCHEMA: ${SQL_SCHEMA_NAME.rule}`);
  }
  if (problems.length > 0) throw new StoreSettingsError(problems);
  return {
    kind,
    dataDir: env.DATA_DIR || DEFAULT_DATA_DIR,
    url: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    schema,
    connectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
  };
}

/** Where PGlite lives for this configuration: `memory://` or `<dataDir>/pglite`. */
export function pgliteLocation(dataDir = DEFAULT_DATA_DIR): string {
  return dataDir === 'memory://' ? dataDir : join(dataDir, 'pglite');
}

/**
 * Opens the SQL database of this configuration, for the event tables and for
 * other libs' own SQL (read models, ledger) in the same database: PostgreSQL
 * for `postgres`; PGlite for `pglite`; beside EventStoreDB, PostgreSQL when a
 * url is given, else PGlite; beside the in-memory store, an in-memory PGlite.
 * The caller closes it.
 */
export function createSqlDriver(config: EventStoreConfig): Promise<SqlDatabase> {
  const usePostgres =
    config.kind === 'postgres' || (config.kind === 'eventstoredb' && config.url !== undefined);
  if (usePostgres) return Promise.resolve(new PgDatabase(config.url ?? DEFAULT_DATABASE_URL));
  return PgliteDatabase.open(
    config.kind === 'memory' ? 'memory://' : pgliteLocation(config.dataDir),
  );
}
