import IORedis from 'ioredis';

/** Fails fast, in one line, when no Redis answers: the payout queue cannot run without one. */
export async function connectRedis(url: string): Promise<IORedis> {
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
    throw new Error(
      `no Redis answers at ${url} (${(lastError ?? (error as Error)).message}); start one with \`docker compose up -d redis\` or your OS package (redis-server), or set REDIS_URL`,
    );
  }
  redis.off('error', remember);
  // From here on, reconnect as usual after a drop.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5_000);
  return redis;
}
