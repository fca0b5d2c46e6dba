import { sqlState } from './sql/sql-driver';

// Socket errors of a server that went away or does not answer.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// What `pg` says when a pooled connection ends or none can be had in time.
const NETWORK_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|server closed the connection|terminating connection|the database system is (starting up|shutting down|in recovery)/i;

/**
 * True when an error means the store cannot be reached now (a network error,
 * the server restarting, a pool that cannot connect), rather than a fault of
 * the request or the data. Such errors pass: callers wait and try again
 * (workers), or answer 503 (the API).
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const state = sqlState(e);
    // Class 08: connection exception; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
    if (state && (state.startsWith('08') || /^57P0[1-3]$/.test(state))) return true;
    if (state && NETWORK_CODES.has(state)) return true;
    if (e instanceof Error && NETWORK_MESSAGES.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isStoreUnavailable(inner)))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
