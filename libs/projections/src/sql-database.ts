/** The slice of a SQL connection the read models need; the event store's SQL drivers provide it. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlDatabase extends SqlClient {
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** Quotes a schema name for SQL text (names come from configuration, never from requests). */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
