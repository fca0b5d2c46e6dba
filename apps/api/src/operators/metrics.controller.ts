import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeys } from '../auth/api-keys';
import { isAdmin, refuse } from './admin-key';
import { EngineMetrics } from './engine-metrics';

/** Prometheus' scrape target, behind the admin key (`authorization: { credentials: KEY }`). */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(EngineMetrics) private readonly engine: EngineMetrics,
    @Inject(ApiKeys) private readonly keys: ApiKeys,
  ) {}

  @Get()
  async scrape(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (!isAdmin(this.keys, request)) return refuse(reply, 'the admin key is required');
    const body = await this.engine.metrics();
    return reply.status(200).header('content-type', this.engine.contentType).send(body);
  }
}
