import { ProgramRegistry } from '@referrals/domain';
import {
  closeRedis,
  ConfigError,
  connectRedis,
  createRuntime,
  isRedisAuthFailure,
  loadConfig,
  RedisAuthError,
  shutDown,
  ShutdownStep,
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
  const config = loadConfig(process.env, { programs: ProgramRegistry.withBuiltins().programIds() });
  // What SIGTERM closes, in order, filled as each part opens: a worker still waiting for Redis or
  // the store stops at once, a running one within a deadline (a step that does not end is said, exit 1).
  const opened: ShutdownStep[] = [];
  // Run once, whatever asks first (a signal, or Redis refusing the credentials later).
  let closing: Promise<number> | undefined;
  const closeAll = () => (closing ??= shutDown([...opened], { say }));
  const stop = () => void closeAll().then((code) => process.exit(code));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Refused on a reconnection (the password rotated while it ran): crash-only, as at start-up.
  // One line, the same shutdown as SIGTERM (jobs cut short run again elsewhere, paying nothing
  // twice: a payout appends at its stream's expected version), and exit 1 for the supervisor,
  // whose restart then refuses fast, naming REDIS_URL, until the password is fixed.
  // Said once, by whichever connection is refused first (the client, or a queue's duplicate of
  // it); what fails after it, as the worker stops, is a consequence and not said.
  let refused = false;
  const refusedLater = (error: RedisAuthError) => {
    if (refused) return;
    refused = true;
    process.stderr.write(`worker failed: ${error.message}\n`);
    void closeAll().then(() => process.exit(1));
  };
  // A worker started during an outage waits for it to end instead of exiting.
  // Without Redis there are no queues: wait for it before opening the store.
  // Credentials it refuses are a configuration error: one line, and exit (see RedisAuthError).
  const redis = await whenAvailable(
    'Redis',
    () => connectRedis(config.REDIS_URL, refusedLater),
    (error) => !(error instanceof RedisAuthError),
    { say },
  );
  opened.push({ name: 'Redis', run: () => closeRedis(redis) });
  const runtime = await whenAvailable(
    'the event store',
    () => createRuntime(config),
    startUpCanWait,
    { say },
  );
  opened.push({ name: 'the event store', run: () => runtime.close() });
  const worker = await startWorker(config, runtime, {
    redis,
    onError: (error) => {
      if (isRedisAuthFailure(error)) refusedLater(new RedisAuthError(config.REDIS_URL, error));
      else if (!refused) say((error as Error).stack ?? String(error));
    },
  });
  opened.unshift(...worker.stopping); // the worker first, the clients it uses after
  process.stdout.write(`referral worker running (store: ${config.EVENT_STORE})\n`);
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
