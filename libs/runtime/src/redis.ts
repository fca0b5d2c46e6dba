import IORedis from 'ioredis';
import { redactUrl } from './redact-url';
import { reason, retryDelayMs, waitingLine } from './when-available';

/**
 * Redis refused REDIS_URL's credentials (a wrong password or ACL user, or
 * none where one is required): a configuration error, not an outage. No
 * further attempt would fix it, so start-up ends with this one line, the
 * URL's password hidden, instead of waiting as for a Redis that is down.
 */
export class RedisAuthError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `REDIS_URL: Redis at ${redactUrl(url)} refused the credentials (${reason(cause)}); set the user and password it expects in REDIS_URL`,
    );
    this.name = 'RedisAuthError';
  }
}

/** ioredis's errors for refused credentials: AUTH's WRONGPASS, a command's NOAUTH, and their wording. */
export const isRedisAuthFailure = (error: unknown): boolean =>
  /WRONGPASS|NOAUTH|invalid username-password pair/i.test(reason(error));

/**
 * Fails fast, in one line, when no Redis answers: the payout queue cannot run without one.
 * Refused credentials fail as a RedisAuthError, which the worker's start-up does not wait on.
 * Once connected, `onRefusedLater` is told (once) if a reconnection is refused (the password
 * rotated while the process ran): the worker then ends, as its start-up would.
 */
export async function connectRedis(
  url: string,
  onRefusedLater?: (error: RedisAuthError) => void,
): Promise<IORedis> {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  // ioredis reports a refused connection as an event too; the rejection below says it once.
  const remember = (error: Error) => (lastError = error);
  redis.on('error', remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const failure = lastError ?? (error as Error);
    if (isRedisAuthFailure(failure)) throw new RedisAuthError(url, failure);
    throw new Error(
      `no Redis answers at ${redactUrl(url)} (${failure.message}); start one with \`docker compose up -d redis\` or your OS package (redis-server), or set REDIS_URL`,
    );
  }
  redis.off('error', remember);
  // From here on, reconnect as usual after a drop.
  redis.options.retryStrategy = reconnectDelayMs;
  if (onRefusedLater) {
    let told = false;
    redis.on('error', (error) => {
      if (told || !isRedisAuthFailure(error)) return;
      told = true;
      onRefusedLater(new RedisAuthError(url, error));
    });
  }
  return redis;
}

/** After a drop, once connected: reconnect every 200 ms more, at most 5 s, silently (as connectRedis's client). */
const reconnectDelayMs = (times: number) => Math.min(times * 200, 5_000);

/** A Redis client connecting in the background, and what to say of it until it answers. */
export interface AwaitedRedis {
  readonly client: IORedis;
  /** `ok` once Redis answered; before, why not (the last failure), or `connecting`. */
  state(): string;
  /**
   * Once Redis answered: while it refuses the credentials on reconnection (the password rotated),
   * `credentials refused: <its error>`, for readiness to name; otherwise undefined.
   */
  refusal(): string | undefined;
}

/**
 * The API's Redis: the client at once, connected in the background, so that
 * the API starts while Redis is down and runs as it does when Redis goes away
 * later (events stored, since the store is the truth; readiness 503 naming
 * Redis; queue work waiting). Until Redis first answers it tries again with
 * the start-up loop's pauses (retryDelayMs), one line per failed attempt as
 * whenAvailable says them, and a line once it answers; after that, a drop is
 * reconnected as connectRedis's client does. Commands issued meanwhile wait
 * in the client's queue; none fails for want of a connection. Credentials
 * Redis refuses end the waiting: `onRefused` is told (see RedisAuthError).
 * Refused later, on a reconnection (the password rotated while the API ran),
 * they are no reason to stop serving: one line says it, the client tries
 * again quietly with the usual backoff, `refusal()` names it for readiness,
 * and one line says when Redis accepts them again.
 */
export function openRedis(
  url: string,
  what: string,
  say: (line: string) => void,
  onRefused?: (error: RedisAuthError) => void,
): AwaitedRedis {
  // A plain function: BullMQ copies these options into the clients it duplicates (its workers' blocking ones).
  const client = new IORedis(url, { maxRetriesPerRequest: null, retryStrategy: retryDelayMs });
  let failure: string | undefined;
  let failedAttempts = 0;
  let refused: RedisAuthError | undefined;
  // Refused credentials are no outage: the client stops trying (its commands fail) and the
  // caller is told, once, instead of a line per attempt for ever.
  const refuse = (error: Error) => {
    refused = new RedisAuthError(url, error);
    failure = refused.message;
    client.off('reconnecting', sayAttempt);
    client.disconnect();
    onRefused?.(refused);
  };
  // Said from this client's own events, so the duplicates say nothing.
  const remember = (error: Error) => {
    if (refused) return;
    if (isRedisAuthFailure(error)) refuse(error);
    else failure = reason(error);
  };
  const sayAttempt = (delay: number) =>
    say(waitingLine(what, ++failedAttempts, failure ?? 'connection closed', delay));
  client.on('error', remember);
  client.on('reconnecting', sayAttempt);
  let refusal: (() => string | undefined) | undefined;
  client.once('ready', () => {
    client.off('error', remember);
    client.off('reconnecting', sayAttempt);
    client.options.retryStrategy = reconnectDelayMs;
    if (failedAttempts > 0) say(`${what} answers, after ${failedAttempts} failed attempts`);
    refusal = sayRefusalsOnReconnection(client, url, what, say);
  });
  return {
    client,
    state: () => (client.status === 'ready' ? 'ok' : (failure ?? 'connecting')),
    refusal: () => refusal?.(),
  };
}

/**
 * For a client that was ready once: one line when a reconnection is refused
 * (then every attempt until Redis accepts is refused as well: said once, not
 * per attempt) and one when Redis accepts the credentials again. Returns
 * what readiness names meanwhile. Said from this client's own events, so
 * BullMQ's duplicates of it say nothing.
 */
function sayRefusalsOnReconnection(
  client: IORedis,
  url: string,
  what: string,
  say: (line: string) => void,
): () => string | undefined {
  let refused: string | undefined;
  client.on('error', (error) => {
    if (refused !== undefined || !isRedisAuthFailure(error)) return;
    refused = `credentials refused: ${reason(error)}`;
    say(`${new RedisAuthError(url, error).message}; trying again meanwhile, not ready until then`);
  });
  client.on('ready', () => {
    if (refused === undefined) return;
    refused = undefined;
    say(`${what} answers again: it accepts the credentials`);
  });
  return () => refused;
}

/** Ends a client: QUIT once connected (replies flushed); a client still connecting is cut, as QUIT would wait for Redis. */
export async function closeRedis(client: IORedis): Promise<void> {
  if (client.status === 'ready') await client.quit();
  else client.disconnect();
}

/**
 * At shutdown, before anything else closes: a client not connected now is
 * cut and ended, and every command waiting on it fails at once ("Connection
 * is closed."), so that whatever waits on it (a lease's release, a job a
 * sweep adds, BullMQ's workers) ends instead of waiting for a Redis that may
 * never answer (maxRetriesPerRequest is null: commands wait for a
 * reconnection). Nothing acknowledged is lost: Redis holds only work derived
 * from the events, found again from them at the next start.
 */
export function cutRedisIfDown(client: IORedis): void {
  if (client.status === 'ready' || client.status === 'end') return;
  const between = client.status === 'reconnecting';
  client.disconnect();
  const internals = client as unknown as ClientInternals;
  // Between two attempts ioredis has no socket to close, so it would neither end nor fail the
  // commands it holds (redis/ioredis#2169): do what its close handler does once a socket closes.
  if (between && (client.status as string) !== 'end') {
    internals.setStatus?.('end');
    internals.flushQueue?.(new Error(CONNECTION_CLOSED));
  }
  // Commands in flight when the connection dropped are kept for a resend once ready; after a
  // reconnection that reached a socket but no Redis (a proxy with nothing behind), they are in a
  // queue of their own that nothing else settles (redis/ioredis#2197).
  const stranded = internals.prevCommandQueue;
  for (let item = stranded?.shift(); item; item = stranded?.shift())
    item.command.reject(new Error(CONNECTION_CLOSED));
}

/** ioredis's message for a command on a closed client. */
const CONNECTION_CLOSED = 'Connection is closed.';

/** What cutRedisIfDown uses of ioredis beyond its typings (absent ones are skipped). */
interface ClientInternals {
  setStatus?(status: string): void;
  flushQueue?(error: Error): void;
  prevCommandQueue?: { shift(): { command: { reject(error: Error): void } } | undefined } | null;
}
