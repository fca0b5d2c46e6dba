import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TIMER_QUEUE } from '@referrals/process-manager';
import { DELIVERY_QUEUE, PAYOUT_QUEUE } from '@referrals/rewards';

/** The engine's ioredis connection, for what is not a queue (the program leases). */
export const REDIS = Symbol('REDIS');

/** Every queue the engine uses; job options travel with each add (see the producers). */
export const QUEUE_NAMES = [PAYOUT_QUEUE, TIMER_QUEUE, DELIVERY_QUEUE] as const;

/**
 * The BullMQ connection and queues, shared by the API (producers, admin
 * views) and the worker (processors). One ioredis connection serves the
 * queues; BullMQ gives each worker its own blocking connection.
 */
@Module({})
export class QueuesModule {
  static forRoot(connection: Redis, prefix: string): DynamicModule {
    const queues = BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })));
    return {
      module: QueuesModule,
      global: true,
      imports: [BullModule.forRoot({ connection, prefix }), queues],
      providers: [{ provide: REDIS, useValue: connection }],
      exports: [queues, REDIS],
    };
  }
}
