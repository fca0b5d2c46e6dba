import 'reflect-metadata';
import { getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  AppConfig,
  closeRedis,
  connectRedis,
  cutRedisIfDown,
  Runtime,
  ShutdownStep,
} from '@referrals/runtime';
import { QUEUE_NAMES, QueuesModule } from './queues.module';
import { WorkerControl } from './worker-control';
import { WorkerModule, WorkerOptions } from './worker.module';
import { WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

export interface RunningWorker {
  readonly control: WorkerControl;
  /** What stop() closes, in order: for a process that runs them within a deadline (shutDown). */
  readonly stopping: readonly ShutdownStep[];
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
  // A queue with no 'error' listener has BullMQ print each error object whole, and an AUTH
  // refused on a reconnection carries its command's arguments: REDIS_URL's password. Its
  // errors go where the worker's others go (the worker alone says their stack, and ends on a
  // refusal: see main.ts).
  const { onError } = context.get<WorkerSettings>(WORKER_SETTINGS);
  for (const name of QUEUE_NAMES) context.get<Queue>(getQueueToken(name)).on('error', onError);
  const stopping: ShutdownStep[] = [
    // First, so that nothing below waits for a Redis that does not answer (see cutRedisIfDown).
    { name: 'Redis, if it does not answer', run: () => cutRedisIfDown(redis) },
    {
      name: 'the worker (process managers, projections, queue processors)',
      run: () => context.close(),
    },
    ...(options.redis ? [] : [{ name: 'Redis', run: () => closeRedis(redis) }]),
  ];
  return {
    control: context.get(WorkerControl),
    stopping,
    async stop() {
      for (const step of stopping) await step.run();
    },
  };
}
