import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import {
  AppConfig,
  connectRedis,
  createRuntime,
  loadConfig,
  RunningWorker,
  Runtime,
  startWorker,
} from '@referrals/runtime';
import { AppModule } from './app.module';
import { QueueAdmin } from './queue-admin';

export interface RunningEngine {
  readonly app: NestFastifyApplication;
  readonly runtime: Runtime;
  readonly worker?: RunningWorker;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the HTTP API over a runtime; with RUN_WORKER the worker (process
 * manager, payouts) runs in the same process, as PGlite needs.
 */
export async function startEngine(
  config: AppConfig,
  runtime?: Runtime,
  clock: () => number = Date.now,
): Promise<RunningEngine> {
  // Without Redis there are no queues: say so at once, before opening anything.
  const redis = await connectRedis(config.REDIS_URL);
  const parts = runtime ?? (await createRuntime(config));
  const queues = new QueueAdmin(redis, config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRuntime(config, parts, queues),
    new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const worker = config.RUN_WORKER
    ? await startWorker(config, parts, {
        redis,
        clock,
        onError: (error) => app.get(Logger).error(error),
      })
    : undefined;
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  return {
    app,
    runtime: parts,
    worker,
    url: url.replace('[::1]', 'localhost'),
    async close() {
      await app.close();
      await queues.close();
      await worker?.stop(); // it quits the shared Redis connection
      if (!worker) await redis.quit();
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
