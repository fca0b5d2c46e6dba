import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AppConfig, connectRedis, Runtime } from '@referrals/runtime';
import { QueuesModule } from './queues.module';
import { WorkerControl } from './worker-control';
import { WorkerModule, WorkerOptions } from './worker.module';

export interface RunningWorker {
  readonly control: WorkerControl;
  stop(): Promise<void>;
}

/** The worker alone, as a Nest application context (no HTTP). */
export async function startWorker(
  config: AppConfig,
  runtime: Runtime,
  options: WorkerOptions & { redis?: Redis; logger?: false } = {},
): Promise<RunningWorker> {
  const redis = options.redis ?? (await connectRedis(config.REDIS_URL));
  @Module({
    imports: [
      QueuesModule.forRoot(redis, config.QUEUE_PREFIX),
      WorkerModule.forRuntime(config, runtime, options),
    ],
  })
  class WorkerRootModule {}
  const context = await NestFactory.createApplicationContext(WorkerRootModule, {
    logger: options.logger ?? ['error', 'warn'],
  });
  return {
    control: context.get(WorkerControl),
    async stop() {
      await context.close();
      if (!options.redis) await redis.quit();
    },
  };
}
