import { getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES } from '@referrals/worker';
import { ApiKeys } from '../auth/api-keys';
import { EngineMetrics } from './engine-metrics';
import { MetricsController } from './metrics.controller';

/** Hands the started application's queues, processors and process managers to the metrics. */
@Injectable()
class MetricsWiring implements OnApplicationBootstrap {
  constructor(
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const queues = QUEUE_NAMES.map((name) =>
      this.modules.get<Queue>(getQueueToken(name), { strict: false }),
    );
    this.metrics.attach(
      queues,
      this.discovery.getProviders().map((wrapper) => wrapper.instance as unknown),
    );
  }
}

/** What operators look at besides the API: Prometheus metrics (Bull Board is a Fastify plugin, see main.ts). */
@Module({})
export class OperatorsModule {
  /** `adminKeys` recognises the admin key only: these views are the operator's. */
  static forRoot(metrics: EngineMetrics, adminKeys: ApiKeys): DynamicModule {
    return {
      module: OperatorsModule,
      imports: [DiscoveryModule],
      controllers: [MetricsController],
      providers: [
        { provide: EngineMetrics, useValue: metrics },
        { provide: ApiKeys, useValue: adminKeys },
        MetricsWiring,
      ],
    };
  }
}
