/** The slice of a SQL connection the stores and read models need: PostgreSQL (`pg`) and PGlite both provide it. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlDatabase extends SqlClient {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Quotes an identifier for SQL text (names come from configuration, never from requests). */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
