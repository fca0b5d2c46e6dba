import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { READINESS } from '../tokens';

export type ReadinessCheck = () => Promise<void>;

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS) private readonly ready: ReadinessCheck) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready when the event store answers. */
  @Get('ready')
  async readiness() {
    try {
      await this.ready();
      return { status: 'ok' };
    } catch (error) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        reason: (error as Error).message,
      });
    }
  }
}
