import { connectRedis, createRuntime, loadConfig } from '@referrals/runtime';
import { startWorker } from './start-worker';

/**
 * The worker alone, for deployments where API and worker run apart (PostgreSQL
 * or EventStoreDB). With PGlite, `npm start` runs both in one process instead.
 */
async function main() {
  const config = loadConfig();
  // Without Redis there are no queues: say so at once, before opening the store.
  const redis = await connectRedis(config.REDIS_URL);
  const runtime = await createRuntime(config);
  const worker = await startWorker(config, runtime, {
    redis,
    onError: (error) =>
      process.stderr.write(`worker: ${(error as Error).stack ?? String(error)}\n`),
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
  process.stderr.write(`worker failed to start: ${error.message}\n`);
  process.exit(1);
});
