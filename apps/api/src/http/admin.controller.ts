import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
  BadRequestException,
} from '@nestjs/common';
import { z } from 'zod';
import { CashAction, CashApprovals, payoutsCsv, rewardNotice } from '@referrals/rewards';
import { AuthedRequest, AuthGuard } from '../auth/auth.guard';
import { CASH_APPROVALS } from '../tokens';
import { QueueAdmin } from '../queue-admin';

/** The body of `POST /v1/admin/payouts/confirm`: the rewards the payout export paid. */
export const payoutConfirmationSchema = z.strictObject({
  rewardIds: z.array(z.string().min(1)).min(1).max(10_000),
});

/** Cash approval and payout export: the admin key only; every action is an event with its actor. */
@Controller('v1/admin')
@UseGuards(AuthGuard)
export class AdminController {
  constructor(
    @Inject(CASH_APPROVALS) private readonly cash: CashApprovals,
    @Inject(QueueAdmin) private readonly queues: QueueAdmin,
  ) {}

  /** Webhook deliveries that used up their attempts. */
  @Get('deliveries/dead')
  async deadDeliveries(@Req() request: AuthedRequest) {
    this.adminOnly(request);
    return { deliveries: await this.queues.deliveries.dead() };
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(200)
  async retryDelivery(@Param('deliveryId') deliveryId: string, @Req() request: AuthedRequest) {
    this.adminOnly(request);
    if (!(await this.queues.deliveries.retry(deliveryId)))
      throw new NotFoundException(`no dead delivery ${deliveryId}`);
    return { deliveryId, retried: true };
  }

  /** Job counts per queue and state. */
  @Get('metrics')
  async metrics(@Req() request: AuthedRequest) {
    this.adminOnly(request);
    return { queues: await this.queues.metrics() };
  }

  @Post('rewards/:rewardId/approve')
  @HttpCode(200)
  approve(@Param('rewardId') rewardId: string, @Req() request: AuthedRequest) {
    return this.act(rewardId, 'approve', request);
  }

  @Post('rewards/:rewardId/void')
  @HttpCode(200)
  void(@Param('rewardId') rewardId: string, @Req() request: AuthedRequest) {
    return this.act(rewardId, 'void', request);
  }

  /** Approved cash due by the date, as CSV for a bulk-payout tool. */
  @Get('payouts.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async export(@Query('dueBefore') dueBefore: string | undefined, @Req() request: AuthedRequest) {
    this.adminOnly(request);
    if (!dueBefore || !/^\d{4}-\d{2}-\d{2}$/.test(dueBefore)) {
      throw new BadRequestException({
        problems: [{ path: 'dueBefore', rule: 'must be a date, YYYY-MM-DD' }],
      });
    }
    return payoutsCsv(await this.cash.approvedDue(dueBefore));
  }

  /** The export went out: its rewards are paid, and upstream is told as of any paid reward. */
  @Post('payouts/confirm')
  @HttpCode(200)
  async confirm(@Body() body: unknown, @Req() request: AuthedRequest) {
    this.adminOnly(request);
    const parsed = payoutConfirmationSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException({
        problems: parsed.error.issues.map((i) => ({ path: i.path.join('.'), rule: i.message })),
      });
    }
    const results = [];
    for (const rewardId of parsed.data.rewardIds) {
      const outcome = await this.cash.act(rewardId, 'pay_out', 'admin');
      if (outcome.ok && outcome.reward.status === 'paid')
        await this.queues.deliveries.enqueue([rewardNotice('reward.paid', outcome.reward)]);
      results.push(
        outcome.ok
          ? { rewardId, status: outcome.reward.status }
          : { rewardId, error: outcome.reason, status: outcome.status },
      );
    }
    return { results };
  }

  private async act(rewardId: string, action: CashAction, request: AuthedRequest) {
    this.adminOnly(request);
    const outcome = await this.cash.act(rewardId, action, 'admin');
    if (outcome.ok) return outcome.reward;
    if (outcome.reason === 'not_found') throw new NotFoundException(`no reward ${rewardId}`);
    throw new ConflictException({
      error: outcome.reason,
      status: outcome.status,
      message: `cannot ${action} this reward`,
    });
  }

  private adminOnly(request: AuthedRequest) {
    if (!request.caller?.admin) throw new ForbiddenException('the admin key is required');
  }
}
