import { IdParamPipe } from './edge/id-param.pipe';
import { Controller, Get, Inject, NotFoundException, Param, UseGuards } from '@nestjs/common';
import type { ProgramRegistry } from '@referrals/domain';
import type { EventStore } from '@referrals/event-store';
import { AuthGuard } from '../auth/auth.guard';
import { EVENT_STORE, PROGRAMS } from '../tokens';
import { storedReferralStory } from './stored-referral-story';

/** Why a referral is in its state, from the stored decisions: what `referrals explain` tells. */
@Controller('v1/programs/:program/referrals')
@UseGuards(AuthGuard)
export class ExplainController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROGRAMS) private readonly programs: ProgramRegistry,
  ) {}

  @Get(':refereeId/explain')
  async explain(
    @Param('program') programId: string,
    @Param('refereeId', IdParamPipe) refereeId: string,
  ) {
    const program = this.programs.get(programId);
    if (!program) throw new NotFoundException(`unknown program ${programId}`);
    const story = await storedReferralStory(this.store, program, refereeId, Date.now());
    if (!story) throw new NotFoundException(`no account ${refereeId} in ${programId}`);
    return story;
  }
}
