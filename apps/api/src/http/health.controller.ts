import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Readiness, ReadinessReport } from '../readiness';
import { READINESS } from '../tokens';

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS) private readonly check: Pick<Readiness, 'report'>) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 200 while the event store and Redis answer (`degraded` when a program's
   * manager is stopped or unled), 503 with the same report when either does not.
   */
  @Get('ready')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.check.report();
    if (report.status === 'unavailable') {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE).header('retry-after', '5');
    }
    return report;
  }
}
