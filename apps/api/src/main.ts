import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, connectRedis, createRuntime, loadConfig, Runtime } from '@referrals/runtime';
import { QueuesModule, WorkerControl, WorkerModule } from '@referrals/worker';
import { AppModule } from './app.module';

export interface RunningEngine {
  readonly app: NestFastifyApplication;
  readonly runtime: Runtime;
  /** The worker beside the API (RUN_WORKER), for whoever needs to wait on it. */
  readonly worker?: WorkerControl;
  readonly url: string;
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
  // Without Redis there are no queues: say so at once, before opening anything.
  // The worker logs through Nest's Logger, which is pino here (useLogger below).
  const redis = await connectRedis(config.REDIS_URL);
  const parts = runtime ?? (await createRuntime(config));
  @Module({
    imports: [
      QueuesModule.forRoot(redis, config.QUEUE_PREFIX),
      AppModule.forRuntime(config, parts),
      ...(config.RUN_WORKER ? [WorkerModule.forRuntime(config, parts, { clock })] : []),
    ],
  })
  class EngineModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    EngineModule,
    new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  return {
    app,
    runtime: parts,
    worker: config.RUN_WORKER ? app.get(WorkerControl) : undefined,
    url: url.replace('[::1]', 'localhost'),
    async close() {
      await app.close(); // stops the worker, its processors and the queues
      await redis.quit();
      if (!runtime) await parts.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  startEngine(config)
    .then((engine) => {
      const stop = () => void engine.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(
        `referral engine listening on ${engine.url} (store: ${config.EVENT_STORE})\n`,
      );
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
