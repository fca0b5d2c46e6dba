import { IdParamPipe } from '../http/edge/id-param.pipe';
import { Controller, Inject, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import type { ProgramRegistry } from '@referrals/domain';
import { AuthGuard } from '../auth/auth.guard';
import { PROGRAMS } from '../tokens';
import { PortalTokens } from './portal-token';
import { PORTAL_SETTINGS, PortalSettings } from './portal.tokens';

/**
 * The upstream product asks for a portal link for one of its accounts (with
 * its program key) and sends the person there: a signed, expiring URL, so
 * the engine stores no passwords and knows no users.
 */
@Controller('v1/programs/:program')
@UseGuards(AuthGuard)
export class PortalLinkController {
  constructor(
    @Inject(PortalTokens) private readonly tokens: PortalTokens,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    @Inject(PROGRAMS) private readonly programs: ProgramRegistry,
  ) {}

  @Post('accounts/:accountId/portal-link')
  link(@Param('program') program: string, @Param('accountId', IdParamPipe) accountId: string) {
    if (!this.programs.get(program)) throw new NotFoundException(`unknown program ${program}`);
    const expiresAt = this.settings.clock() + this.settings.linkTtlMs;
    const token = this.tokens.sign({ program, accountId, expiresAt });
    const path = `/portal/${encodeURIComponent(program)}/${encodeURIComponent(accountId)}`;
    return {
      url: `${this.settings.publicUrl()}${path}?token=${token}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }
}
