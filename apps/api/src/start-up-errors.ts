import { createServer } from 'node:net';
import { AppConfig, redactUrl } from '@referrals/runtime';

/**
 * Start-up failures as one line naming the variable to fix: the operator's
 * first hour should not be spent reading a stack trace to learn that
 * DATABASE_URL points at nothing.
 */
export class StartupError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'StartupError';
  }
}

/**
 * Fails at once, naming PORT, when the port is taken: checked before the
 * store is opened and the worker started (seconds of work), not after.
 * PORT=0 (any free port) needs no check.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(portError(error as NodeJS.ErrnoException, host, port)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A failed listen, as one line naming PORT (or HOST for an address this machine does not have). */
export function portError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        'PORT',
        `${host}:${port} is already in use; stop what listens there or set another PORT`,
      );
    case 'EACCES':
      return new StartupError('PORT', `${port} needs privileges to bind; use a port above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError('HOST', `${host} is not an address of this machine`);
    default:
      return error;
  }
}

/**
 * The store failed to open: say which setting points at it. PostgreSQL's
 * own words (`role "nobody" does not exist`, `ECONNREFUSED`) stay, after
 * the variable's name and value.
 */
export function storeError(config: AppConfig, error: Error): Error {
  if (error instanceof StartupError) return error;
  const reason = error.message || (error as NodeJS.ErrnoException).code || String(error);
  switch (config.EVENT_STORE) {
    case 'postgres':
      return new StartupError(
        'DATABASE_URL',
        `cannot use PostgreSQL at ${redactUrl(config.DATABASE_URL)}: ${reason}`,
      );
    case 'eventstoredb':
      return looksLikePostgres(error)
        ? new StartupError(
            'DATABASE_URL',
            `cannot use PostgreSQL (read models) at ${redactUrl(config.DATABASE_URL)}: ${reason}`,
          )
        : new StartupError(
            'EVENTSTORE_CONNECTION_STRING',
            `cannot use EventStoreDB at ${config.EVENTSTORE_CONNECTION_STRING ?? '(unset)'}: ${reason}`,
          );
    case 'pglite':
      return new StartupError('DATA_DIR', `cannot open PGlite in ${config.DATA_DIR}: ${reason}`);
    default:
      return error;
  }
}

/** pg's errors carry a SQLSTATE `code` (five characters) or a socket error against the server. */
const looksLikePostgres = (error: Error) => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return /^[0-9A-Z]{5}$/.test(code) || 'severity' in error;
};

/** The store the configuration points at, with the variable to fix, for the lines said while waiting for it. */
export function describeStore(config: AppConfig): string {
  const postgres = `PostgreSQL at ${redactUrl(config.DATABASE_URL)} (DATABASE_URL)`;
  switch (config.EVENT_STORE) {
    case 'postgres':
      return postgres;
    case 'eventstoredb':
      return `EventStoreDB at ${config.EVENTSTORE_CONNECTION_STRING ?? '(unset)'} (EVENTSTORE_CONNECTION_STRING) and ${postgres}`;
    case 'pglite':
      return `PGlite in ${config.DATA_DIR} (DATA_DIR)`;
    default:
      return 'the event store';
  }
}
