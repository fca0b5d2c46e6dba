import { isStoreUnavailable } from '@referrals/event-store';
import { ConfigError, connectRedis, createRuntime, loadConfig } from '@referrals/runtime';
import { startWorker } from './start-worker';

const say = (line: string) => process.stderr.write(`worker: ${line}\n`);

/**
 * Tries `open` until it succeeds while `passing(error)` says the failure is
 * an outage (the store or Redis not answering yet): a worker started during
 * an outage waits for it to end instead of exiting.
 */
async function whenAvailable<T>(
  what: string,
  open: () => Promise<T>,
  passing: (error: unknown) => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (!passing(error)) throw error;
      say(`waiting for ${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
    }
  }
}

/**
 * The worker alone, for deployments where API and worker run apart (PostgreSQL
 * or EventStoreDB). With PGlite, `npm start` runs both in one process instead.
 */
async function main() {
  const config = loadConfig();
  // Without Redis there are no queues: wait for it before opening the store.
  const redis = await whenAvailable(
    'Redis',
    () => connectRedis(config.REDIS_URL),
    () => true,
  );
  const runtime = await whenAvailable(
    'the event store',
    () => createRuntime(config),
    isStoreUnavailable,
  );
  const worker = await startWorker(config, runtime, {
    redis,
    onError: (error) => say((error as Error).stack ?? String(error)),
  });
  process.stdout.write(`referral worker running (store: ${config.EVENT_STORE})\n`);
  const stop = async () => {
    await worker.stop();
    await redis.quit();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  // A configuration mistake is one line per variable, as the API says it (no stack trace).
  if (error instanceof ConfigError) {
    process.stderr.write(error.problems.map((p) => `configuration: ${p}\n`).join(''));
    process.exit(2);
  }
  process.stderr.write(`worker failed to start: ${error.message}\n`);
  process.exit(1);
});
