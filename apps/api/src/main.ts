import 'reflect-metadata';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { ProgramRegistry } from '@referrals/domain';
import {
  AppConfig,
  closeRedis,
  ConfigError,
  cutRedisIfDown,
  isRedisAuthFailure,
  loadConfig,
  openRedis,
  redactUrl,
  Runtime,
  shutDown,
  ShutdownStep,
} from '@referrals/runtime';
import { QUEUE_NAMES, QueuesModule, WorkerControl, WorkerModule } from '@referrals/worker';
import { AppModule } from './app.module';
import { ApiKeys } from './auth/api-keys';
import { EngineMetrics } from './operators/engine-metrics';
import { httpLogging, logRequests, openLogger } from './operators/http-logging';
import { OperatorsModule } from './operators/operators.module';
import { registerQueueBoard } from './operators/queue-board';
import { configureHttpEdge, edgeFastifyOptions } from './http/edge/http-edge';
import { openRuntime } from './open-runtime';
import { assertPortFree, portError, storeError } from './start-up-errors';
import type { WaitingServer } from './waiting-server';
import { installCheapAsyncResourceBind } from './async-resource-bind';

// Fastify binds an AsyncResource per request with a body; Node 20's bind costs ~40 µs (see there).
installCheapAsyncResourceBind();

/** Start-up lines of the API, said before its logger exists (waiting for the store, for Redis). */
const say = (line: string) => process.stderr.write(`api: ${line}\n`);

export interface RunningEngine {
  readonly app: NestFastifyApplication;
  readonly runtime: Runtime;
  /** The worker beside the API (RUN_WORKER), for whoever needs to wait on it. */
  readonly worker?: WorkerControl;
  readonly url: string;
  /**
   * Aborts (its reason a RedisAuthError) if Redis, down when the engine started, comes up
   * refusing REDIS_URL's credentials: the process then stops as if start-up had failed.
   */
  readonly redisRefusal: AbortSignal;
  /** What close() closes, in order: for a process that runs them within a deadline (shutDown). */
  readonly stopping: readonly ShutdownStep[];
  close(): Promise<void>;
}

/**
 * One Nest application: the HTTP API over a runtime, and with RUN_WORKER the
 * worker (process manager, queue processors) in the same process, as PGlite
 * needs.
 */
export async function startEngine(
  config: AppConfig,
  runtime?: Runtime,
  clock: () => number = Date.now,
): Promise<RunningEngine> {
  // The worker logs through Nest's Logger, which is pino here (useLogger below).
  // A taken port is known in a millisecond: say so before seconds of opening stores.
  await assertPortFree(config.HOST, config.PORT);
  // Redis connects in the background, one line per failed attempt: the engine starts without it
  // and runs as it does when Redis goes away later (events stored, readiness 503 naming Redis,
  // queue work waiting), and is ready once Redis answers.
  // Credentials Redis refuses are no outage: they end the start-up, whatever stage it is at.
  // Refused later (a password rotated while the API runs), the API keeps serving and storing
  // events: openRedis says it once and readiness names it until Redis accepts them again.
  const redisRefusal = new AbortController();
  const awaited = openRedis(
    config.REDIS_URL,
    `Redis at ${redactUrl(config.REDIS_URL)} (REDIS_URL)`,
    say,
    (error) => redisRefusal.abort(error),
  );
  const redis = awaited.client;
  let parts: Runtime;
  let waiting: WaitingServer | undefined;
  try {
    // A store that cannot be reached yet is waited for (the port answers meanwhile), not a reason to exit.
    ({ runtime: parts, waiting } = runtime
      ? { runtime }
      : await openRuntime(config, say, awaited.state, redisRefusal.signal));
  } catch (error) {
    redis.disconnect();
    throw redisRefusal.signal.aborted
      ? redisRefusal.signal.reason
      : storeError(config, error as Error);
  }
  if (redisRefusal.signal.aborted) {
    await waiting?.close();
    if (!runtime) await parts.close();
    throw redisRefusal.signal.reason;
  }
  // The worker beside the API logs its errors, but not Redis refusing the credentials: openRedis
  // says that once and readiness names it, where each of BullMQ's connections would log every
  // refused attempt, its AUTH command's arguments (the password) included.
  const workerLogger = new NestLogger('worker');
  const workerError = (error: unknown) => {
    if (!isRedisAuthFailure(error)) workerLogger.error(error);
  };
  const metrics = new EngineMetrics(parts.db, parts.schema);
  // The API's ingestor counts what it accepts; the worker keeps the runtime as it is.
  const counted: Runtime = { ...parts, ingestor: metrics.countingIngestor(parts.ingestor) };
  const adminKeys = new ApiKeys('', config.ADMIN_API_KEY);
  const logging = httpLogging(config);
  const logger = openLogger(logging);
  @Module({
    imports: [
      QueuesModule.forRoot(redis, config.QUEUE_PREFIX),
      AppModule.forRuntime(config, counted, { logger, options: logging }, awaited.refusal),
      OperatorsModule.forRoot(metrics, adminKeys),
      ...(config.RUN_WORKER
        ? [WorkerModule.forRuntime(config, parts, { clock, onError: workerError })]
        : []),
    ],
  })
  class EngineModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    EngineModule,
    new FastifyAdapter(edgeFastifyOptions(config.BODY_LIMIT_BYTES, config.REQUEST_TIMEOUT)),
    // The Stripe webhook verifies its signature over the body's bytes (`request.rawBody`).
    // The edge parses bodies itself (configureHttpEdge); it keeps `rawBody` too.
    { bufferLogs: true, rawBody: true, bodyParser: false },
  );
  const nestLogger = app.get(Logger);
  app.useLogger(nestLogger);
  const queues = QUEUE_NAMES.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  for (const queue of queues) {
    // A queue with no listener prints a stack trace per failed connection: while Redis is away,
    // the lines of openRedis and readiness say it once; anything else a queue reports is logged.
    queue.on('error', (error) => {
      if (redis.status === 'ready')
        nestLogger.warn(`queue ${queue.name}: ${error.message}`, 'queues');
    });
  }
  // The edge first: its hooks (the 405s' route list, the header rules) then see the board's routes too.
  configureHttpEdge(app, config.BODY_LIMIT_BYTES);
  await registerQueueBoard(app.getHttpAdapter().getInstance(), queues, adminKeys);
  logRequests(app.getHttpAdapter().getInstance(), logger, logging);
  try {
    // Initialised first (the worker's start included), so the port changes hands in milliseconds:
    // the engine replaces what answered while the store was awaited.
    await app.init();
    await waiting?.close();
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await waiting?.close();
    await app.close();
    redis.disconnect();
    if (!runtime) await parts.close();
    throw portError(error as NodeJS.ErrnoException, config.HOST, config.PORT);
  }
  if (redisRefusal.signal.aborted) {
    // Refused while the application started: undo it all, as a failed listen does.
    await app.close();
    if (!runtime) await parts.close();
    throw redisRefusal.signal.reason;
  }
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  parts.urls.listeningAt(url);
  const stopping: ShutdownStep[] = [
    // First, so that nothing below waits for a Redis that does not answer (see cutRedisIfDown).
    { name: 'Redis, if it does not answer', run: () => cutRedisIfDown(redis) },
    {
      name: config.RUN_WORKER
        ? 'the HTTP server and the worker (process managers, projections, queue processors)'
        : 'the HTTP server and the queues',
      run: () => app.close(),
    },
    { name: 'Redis', run: () => closeRedis(redis) },
    ...(runtime ? [] : [{ name: 'the event store', run: () => parts.close() }]),
  ];
  return {
    app,
    runtime: parts,
    worker: config.RUN_WORKER ? app.get(WorkerControl) : undefined,
    url,
    redisRefusal: redisRefusal.signal,
    stopping,
    async close() {
      for (const step of stopping) await step.run();
    },
  };
}

if (require.main === module) {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, { programs: ProgramRegistry.withBuiltins().programIds() });
  } catch (error) {
    // One line per problem, no stack trace: the operator fixes them all at once.
    const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
    process.stderr.write(problems.map((p) => `configuration: ${p}\n`).join(''));
    process.exit(2);
  }
  let started: RunningEngine | undefined;
  // Within a deadline: a step that does not end (Redis gone mid-close) is said, and the process
  // exits 1. A stop while still waiting for the store has nothing to close: nothing was accepted.
  const stop = () => {
    if (!started) {
      say('stopped while starting');
      process.exit(0);
    }
    void shutDown(started.stopping, { say }).then((code) => process.exit(code));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  startEngine(config)
    .then((engine) => {
      started = engine;
      // Redis was down at start and came up refusing the credentials: fail as at start-up.
      const refused = () => {
        const { message } = engine.redisRefusal.reason as Error;
        process.stderr.write(`referral engine failed to start: ${message}\n`);
        void shutDown(engine.stopping, { say }).then(() => process.exit(1));
      };
      if (engine.redisRefusal.aborted) refused();
      else engine.redisRefusal.addEventListener('abort', refused, { once: true });
      process.stdout.write(
        `referral engine listening on ${engine.url} (store: ${config.EVENT_STORE})\n`,
      );
      if (!config.PORTAL_SECRET) {
        process.stdout.write(
          'PORTAL_SECRET is not set: portal links are signed with a random secret and stop working when the process restarts\n',
        );
      }
      if (!config.ADMIN_API_KEY && !config.API_KEYS) {
        process.stdout.write(
          'no API keys configured: every request gets 401; set ADMIN_API_KEY or API_KEYS\n',
        );
      }
    })
    .catch((error: Error) => {
      process.stderr.write(`referral engine failed to start: ${error.message}\n`);
      process.exit(1);
    });
}
