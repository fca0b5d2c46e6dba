import { getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CheckTimers, TIMER_QUEUE } from '@referrals/process-manager';
import {
  DELIVERY_QUEUE,
  Deliveries,
  PAYOUT_QUEUE,
  PayoutQueue,
  WebhookOutbox,
  WebhookSender,
} from '@referrals/rewards';
import { AppConfig, Runtime, webhookRetries } from '@referrals/runtime';
import { DeliveryProcessor } from './processors/delivery.processor';
import { PayoutProcessor } from './processors/payout.processor';
import { ProcessorsShutdown } from './processors/processors-shutdown';
import { TimerProcessor } from './processors/timer.processor';
import { ProcessManagerHost } from './process-manager.host';
import { RewardProjections } from './reward-projections';
import { RewardSweep } from './reward-sweep';
import { WorkerControl } from './worker-control';
import { RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

export interface WorkerOptions {
  readonly clock?: () => number;
  readonly onError?: (error: unknown) => void;
  readonly sweepMs?: number;
}

/**
 * The worker: the referral process managers (one per program, under leases)
 * and the queue processors (payouts, timers, deliveries), over a runtime
 * built outside Nest. Needs QueuesModule. It runs alone (apps/worker) or
 * beside the API (`npm start`).
 */
@Module({})
export class WorkerModule {
  static forRuntime(
    config: AppConfig,
    runtime: Runtime,
    options: WorkerOptions = {},
  ): DynamicModule {
    const logger = new Logger('worker');
    const settings: WorkerSettings = {
      config,
      clock: options.clock ?? Date.now,
      onError: options.onError ?? ((error) => logger.error(error)),
      sweepMs: options.sweepMs ?? config.SWEEP_INTERVAL,
    };
    return {
      module: WorkerModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: WORKER_SETTINGS, useValue: settings },
        {
          provide: PayoutQueue,
          inject: [getQueueToken(PAYOUT_QUEUE)],
          useFactory: (queue: Queue) => new PayoutQueue(queue),
        },
        {
          provide: CheckTimers,
          inject: [getQueueToken(TIMER_QUEUE)],
          useFactory: (queue: Queue) => new CheckTimers(queue, settings.clock),
        },
        {
          provide: Deliveries,
          inject: [getQueueToken(DELIVERY_QUEUE)],
          useFactory: (queue: Queue) =>
            new Deliveries(queue, config.WEBHOOKS, webhookRetries(config)),
        },
        {
          provide: WebhookOutbox,
          inject: [Deliveries],
          useFactory: (deliveries: Deliveries) =>
            new WebhookOutbox(runtime.db, runtime.schema, deliveries),
        },
        { provide: WebhookSender, useValue: new WebhookSender(config.WEBHOOKS, settings.clock) },
        RewardProjections,
        ProcessManagerHost,
        RewardSweep,
        PayoutProcessor,
        TimerProcessor,
        DeliveryProcessor,
        ProcessorsShutdown,
        WorkerControl,
      ],
      exports: [WorkerControl],
    };
  }
}
