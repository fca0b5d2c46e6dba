import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ReferralProcessManager } from '@referrals/process-manager';
import { AppModule } from './app.module';
import { AppConfig, loadConfig } from '@referrals/runtime';
import { createRuntime, Runtime } from '@referrals/runtime';

export interface RunningEngine {
  readonly app: NestFastifyApplication;
  readonly runtime: Runtime;
  readonly worker?: ReferralProcessManager;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the HTTP API over a runtime; with RUN_WORKER the process manager runs in the same process. */
export async function startEngine(
  config: AppConfig,
  runtime?: Runtime,
  clock: () => number = Date.now,
): Promise<RunningEngine> {
  const parts = runtime ?? (await createRuntime(config));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRuntime(config, parts),
    new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  let worker: ReferralProcessManager | undefined;
  if (config.RUN_WORKER) {
    worker = new ReferralProcessManager({
      store: parts.store,
      programs: parts.programs,
      readModel: parts.readModel,
      clock,
      reorderWindowMs: config.REORDER_WINDOW,
      onError: (error) => app.get(Logger).error(error),
    });
    await worker.start();
  }
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  return {
    app,
    runtime: parts,
    worker,
    url: url.replace('[::1]', 'localhost'),
    async close() {
      await worker?.stop();
      await app.close();
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
    })
    .catch((error: Error) => {
      process.stderr.write(`referral engine failed to start: ${error.message}\n`);
      process.exit(1);
    });
}
