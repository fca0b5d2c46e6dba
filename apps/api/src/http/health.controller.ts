import { Controller, Get, Inject } from '@nestjs/common';
import { notReadyProblem, type Readiness, type ReadinessReport } from '../readiness';
import { READINESS } from '../tokens';
import { ProblemException, RETRY_AFTER_HEADERS } from './edge/problem';

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS) private readonly check: Pick<Readiness, 'report'>) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 200 while the event store and Redis answer (`degraded` when a program's
   * manager is stopped or unled); when either does not, 503 with Retry-After,
   * a problem document carrying the same checks.
   */
  @Get('ready')
  async readiness(): Promise<ReadinessReport> {
    const report = await this.check.report();
    if (report.status === 'unavailable') {
      throw new ProblemException(503, notReadyProblem(report), RETRY_AFTER_HEADERS);
    }
    return report;
  }
}
