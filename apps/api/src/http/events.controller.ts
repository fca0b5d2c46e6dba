import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Inject,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { EventIngestor } from '@referrals/ingestion';
import { AuthedRequest, AuthGuard } from '../auth/auth.guard';
import { mayReach } from '../auth/api-keys';
import { INGESTOR } from '../tokens';
import { invalidInput, ProblemException } from './edge/problem';

@Controller('v1/events')
@UseGuards(AuthGuard)
export class EventsController {
  constructor(@Inject(INGESTOR) private readonly ingestor: EventIngestor) {}

  /** One event or an array of up to 1,000: all stored, or none. */
  @Post()
  @HttpCode(202)
  async post(@Body() body: unknown, @Req() request: AuthedRequest) {
    if (body === undefined)
      throw invalidInput('nothing was stored', [{ path: '(body)', rule: 'is required' }]);
    const caller = request.caller;
    const items = Array.isArray(body) ? body : [body];
    const foreign = items.find(
      (e) =>
        caller &&
        typeof (e as { program?: unknown })?.program === 'string' &&
        !mayReach(caller, (e as { program: string }).program),
    ) as { program: string } | undefined;
    if (foreign) throw new ForbiddenException(`this key does not reach program ${foreign.program}`);
    const outcome = await this.ingestor.ingest(body);
    switch (outcome.status) {
      case 'accepted':
        return { stored: outcome.stored, duplicates: outcome.duplicates };
      case 'invalid':
        throw invalidInput('nothing was stored', outcome.problems, 'invalid-events');
      case 'conflict':
        throw new ProblemException(409, {
          kind: 'code-conflict',
          title: 'Referral code held by another account',
          detail: 'nothing was stored',
          problems: outcome.problems,
        });
    }
  }
}
