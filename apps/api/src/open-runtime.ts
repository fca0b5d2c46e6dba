import {
  AppConfig,
  createRuntime,
  reason,
  Runtime,
  startUpCanWait,
  whenAvailable,
} from '@referrals/runtime';
import { describeStore } from './start-up-errors';
import { WaitingServer } from './waiting-server';

/** How long a store may take to open before the port answers meanwhile. */
const GRACE_MS = 1_000;

export interface OpenedRuntime {
  readonly runtime: Runtime;
  /** What answered on the port while the store was awaited: close it right before the engine listens. */
  readonly waiting?: WaitingServer;
}

/**
 * Opens the runtime (event tables and read models created under the schema's
 * advisory lock) as the worker does, with the same waiting loop: while the
 * store cannot be reached, the API tries again with backoff, one line per
 * attempt, instead of exiting. If the store has not opened within a second,
 * or fails with an outage, a WaitingServer takes the port meanwhile (alive,
 * not ready naming the store's failure and Redis's state (`redisState`), 503
 * to the rest), so probes and clients get answers and the
 * API turns ready by itself once the store is back. A failure that waiting
 * cannot fix (a role that does not exist) is thrown, as before, and so is
 * `stopWaiting`'s reason once it aborts.
 * With PORT=0 (tests) nobody could ask, so nothing answers meanwhile.
 */
export async function openRuntime(
  config: AppConfig,
  say: (line: string) => void,
  redisState?: () => string,
  stopWaiting?: AbortSignal,
): Promise<OpenedRuntime> {
  let standIn: Promise<WaitingServer> | undefined;
  const giveUp = new AbortController();
  // Start-up ended for another reason (Redis refused REDIS_URL's credentials): wait no longer.
  const stop = () => giveUp.abort(stopWaiting?.reason);
  if (stopWaiting?.aborted) stop();
  else stopWaiting?.addEventListener('abort', stop, { once: true });
  const answerMeanwhile = (): Promise<WaitingServer> | undefined => {
    if (config.PORT === 0) return undefined;
    if (!standIn) {
      standIn = WaitingServer.listen(config.HOST, config.PORT, redisState);
      standIn.then(
        () =>
          say(
            `answering on ${config.HOST}:${config.PORT} until the store opens: /health/live 200, /health/ready and every other request 503`,
          ),
        // The port was taken in between: waiting on would end in the same error.
        (error: Error) => giveUp.abort(error),
      );
    }
    return standIn;
  };
  const grace = setTimeout(answerMeanwhile, GRACE_MS);
  let runtime: Runtime;
  try {
    runtime = await whenAvailable(
      describeStore(config),
      () => createRuntime(config),
      startUpCanWait,
      {
        say,
        signal: giveUp.signal,
        onOutage: (error) =>
          void answerMeanwhile()?.then(
            (server) => server.storeFailed(reason(error)),
            () => undefined,
          ),
      },
    );
  } catch (error) {
    await standIn?.then(
      (server) => server.close(),
      () => undefined,
    );
    throw error;
  } finally {
    clearTimeout(grace);
    stopWaiting?.removeEventListener('abort', stop);
  }
  try {
    return { runtime, waiting: await standIn };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
