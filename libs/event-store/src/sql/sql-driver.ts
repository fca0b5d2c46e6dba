/**
 * The slice of a SQL connection the event store and the read models need.
 * PostgreSQL (`pg`, PgDatabase) and PGlite (PgliteDatabase) both provide it,
 * so the same SQL text runs on either.
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlDatabase extends SqlClient {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Ends the pool or the PGlite instance. */
  close(): Promise<void>;
}

/** The name the brief of the port uses for a SQL database: the same interface. */
export type SqlDriver = SqlDatabase;

/** Quotes an identifier for SQL text (names come from configuration, never from requests). */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Quotes a string literal for SQL text that cannot take parameters (DDL). */
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** PostgreSQL's SQLSTATE of an error from either driver, when it has one. */
export const sqlState = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
