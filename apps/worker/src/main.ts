import {
  ConfigError,
  connectRedis,
  createRuntime,
  loadConfig,
  startUpCanWait,
  whenAvailable,
} from '@referrals/runtime';
import { startWorker } from './start-worker';

const say = (line: string) => process.stderr.write(`worker: ${line}\n`);

/**
 * The worker alone, for deployments where API and worker run apart (PostgreSQL
 * or EventStoreDB). With PGlite, `npm start` runs both in one process instead.
 */
async function main() {
  const config = loadConfig();
  // A worker started during an outage waits for it to end instead of exiting.
  // Without Redis there are no queues: wait for it before opening the store.
  const redis = await whenAvailable(
    'Redis',
    () => connectRedis(config.REDIS_URL),
    () => true,
    { say },
  );
  const runtime = await whenAvailable(
    'the event store',
    () => createRuntime(config),
    startUpCanWait,
    { say },
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
