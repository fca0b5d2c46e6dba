import { IdParamPipe } from './edge/id-param.pipe';
import { Controller, Get, Inject, NotFoundException, Param, Put, UseGuards } from '@nestjs/common';
import type { ProgramRegistry } from '@referrals/domain';
import type { ReadModelQueries } from '@referrals/projections';
import { AuthGuard } from '../auth/auth.guard';
import type { ReferralCodes } from '@referrals/runtime';
import { PAYOUTS, PROGRAMS, QUERIES, REFERRAL_CODES } from '../tokens';
import type { RewardPayout } from '@referrals/rewards';

@Controller('v1/programs/:program')
@UseGuards(AuthGuard)
export class AccountsController {
  constructor(
    @Inject(QUERIES) private readonly queries: ReadModelQueries,
    @Inject(REFERRAL_CODES) private readonly codes: ReferralCodes,
    @Inject(PROGRAMS) private readonly programs: ProgramRegistry,
    @Inject(PAYOUTS) private readonly payouts: RewardPayout,
  ) {}

  /** The referrer's view: every account it referred, with status and progress. */
  @Get('accounts/:accountId/referrals')
  async referrals(
    @Param('program') program: string,
    @Param('accountId', IdParamPipe) accountId: string,
  ) {
    this.known(program);
    return { program, accountId, referrals: await this.queries.referralsOf(program, accountId) };
  }

  /** Rewards where the account is the beneficiary. */
  @Get('accounts/:accountId/rewards')
  async rewards(
    @Param('program') program: string,
    @Param('accountId', IdParamPipe) accountId: string,
  ) {
    this.known(program);
    return { program, accountId, rewards: await this.queries.rewardsOf(program, accountId) };
  }

  /** Ledger balances by kind and unit: credit, bonus minutes (net of expiries), cash owed, discounts. */
  @Get('accounts/:accountId/balance')
  async balance(
    @Param('program') program: string,
    @Param('accountId', IdParamPipe) accountId: string,
  ) {
    this.known(program);
    return { program, accountId, balances: await this.payouts.balances(program, accountId) };
  }

  @Put('accounts/:accountId/referral-code')
  async issueCode(
    @Param('program') program: string,
    @Param('accountId', IdParamPipe) accountId: string,
  ) {
    this.known(program);
    return this.codes.issue(program, accountId);
  }

  @Get('accounts/:accountId/referral-code')
  async code(
    @Param('program') program: string,
    @Param('accountId', IdParamPipe) accountId: string,
  ) {
    this.known(program);
    const code = await this.codes.current(program, accountId);
    if (!code)
      throw new NotFoundException(`account ${accountId} has no referral code in ${program}`);
    return code;
  }

  /** Counts by status and amounts earned by kind and unit. */
  @Get('summary')
  async summary(@Param('program') program: string) {
    this.known(program);
    return this.queries.summary(program);
  }

  private known(program: string) {
    if (!this.programs.get(program)) throw new NotFoundException(`unknown program ${program}`);
  }
}
