import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { identifierOf } from '@referrals/contracts';
import { foldedCode, type ProgramRegistry } from '@referrals/domain';
import type { EventStore } from '@referrals/event-store';
import { codeStream, CodeClaimed } from '@referrals/ingestion';
import type { ReadModelQueries } from '@referrals/projections';
import type { RewardPayout } from '@referrals/rewards';
import type { ReferralCodes } from '@referrals/runtime';
import { EVENT_STORE, PAYOUTS, PROGRAMS, QUERIES, REFERRAL_CODES } from '../tokens';
import { landingPage } from './landing.page';
import { messagePage } from './layout';
import { PORTAL_CSS, PORTAL_JS } from './portal-assets';
import { PortalTokens } from './portal-token';
import { portalModel } from './portal-view';
import { portalPage } from './portal.page';
import { PORTAL_SETTINGS, PortalSettings } from './portal.tokens';

const REFERRAL_CODE_PARAM = identifierOf(64);

const ASSETS: Record<string, { type: string; body: string }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: PORTAL_CSS },
  'portal.js': { type: 'application/javascript; charset=utf-8', body: PORTAL_JS },
};

/**
 * Pages for people: the referrer's portal (opened by a signed link) and the
 * referee's landing page behind a share link. Server-rendered HTML with one
 * stylesheet and one small script from this server; no external asset.
 */
@Controller()
export class PortalController {
  constructor(
    @Inject(PortalTokens) private readonly tokens: PortalTokens,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    @Inject(PROGRAMS) private readonly programs: ProgramRegistry,
    @Inject(QUERIES) private readonly queries: ReadModelQueries,
    @Inject(PAYOUTS) private readonly payouts: RewardPayout,
    @Inject(REFERRAL_CODES) private readonly codes: ReferralCodes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('portal/assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    // Own keys only: `toString` is in every object, and no file.
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!asset) return page(reply, 404, messagePage('Not found', 'There is no such file.'));
    return reply
      .status(200)
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=3600')
      .send(asset.body);
  }

  /** The token must name this program and this account: one account's link never opens another's page. */
  @Get('portal/:program/:accountId')
  async portal(
    @Param('program') programId: string,
    @Param('accountId') accountId: string,
    // An array when the query repeats it (`?token=a&token=b`): no link has that.
    @Query('token') token: unknown,
    @Res() reply: FastifyReply,
  ) {
    const check =
      typeof token === 'string' && token !== ''
        ? this.tokens.verify(token, this.settings.clock())
        : ({ ok: false, reason: 'malformed' } as const);
    if (!check.ok) {
      const message =
        check.reason === 'expired'
          ? 'This link has expired. Open the referral page again from your account to get a new one.'
          : 'This link is not valid. Open the referral page again from your account.';
      return page(reply, 401, messagePage('Link not valid', message));
    }
    if (check.grant.program !== programId || check.grant.accountId !== accountId)
      return page(
        reply,
        403,
        messagePage(
          'Not your page',
          'This link opens another account’s referral page, not this one.',
        ),
      );
    const program = this.programs.get(programId);
    if (!program) return page(reply, 404, messagePage('Not found', 'There is no such program.'));
    const [referrals, rewards, balances, code] = await Promise.all([
      this.queries.referralsOf(programId, accountId),
      this.queries.rewardsOf(programId, accountId),
      this.payouts.balances(programId, accountId),
      this.codes.current(programId, accountId),
    ]);
    const model = portalModel({ program, accountId, referrals, rewards, balances, code });
    return page(reply, 200, portalPage(model));
  }

  /** The referee's landing page; a code nobody holds is a 404 page. */
  @Get('r/:program/:code')
  async landing(
    @Param('program') programId: string,
    @Param('code') code: string,
    @Res() reply: FastifyReply,
  ) {
    const program = this.programs.get(programId);
    // A code is a signup's `referralCode` (§1: 1 to 64 characters, the id rule); anything
    // else is held by no one, and a NUL would not even reach the store's lookup.
    const holder =
      program &&
      REFERRAL_CODE_PARAM.safeParse(code).success &&
      (await this.holder(programId, code));
    if (!program || !holder)
      return page(
        reply,
        404,
        messagePage(
          'Invitation not found',
          'This referral link is not valid. Check the link, or ask the person who sent it for a new one.',
        ),
      );
    return page(reply, 200, landingPage(program, holder.code, this.settings.signupUrls[programId]));
  }

  /**
   * Who holds a code; codes are matched as issued, then case-insensitively as
   * a signup's code is (foldedCode: ASCII letters only), so that the page
   * invites with a code exactly when a signup with it would be attributed.
   */
  private async holder(program: string, code: string): Promise<CodeClaimed | undefined> {
    for (const candidate of new Set([code, foldedCode(code)])) {
      const [first] = await this.store.readStream(codeStream(program, candidate), { maxCount: 1 });
      if (first) return first.data as CodeClaimed;
    }
    return undefined;
  }
}

/**
 * An HTML answer. The token travels in the URL, so the page is never cached
 * and never sent on as a Referer; the policy allows this server's assets only.
 */
function page(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    .send(body);
}
