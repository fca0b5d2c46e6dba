import { IdParamPipe } from './edge/id-param.pipe';
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  CashAction,
  CashApprovals,
  PayoutBatch,
  PayoutBatches,
  PayoutBatchNotFound,
  PayoutBatchRejected,
} from '@referrals/rewards';
import { problemsFromZod } from '@referrals/contracts';
import { AdminOnly } from '../auth/admin-only';
import { invalidInput, ProblemException } from './edge/problem';
import { AuthedRequest, AuthGuard } from '../auth/auth.guard';
import type { Caller } from '../auth/api-keys';
import { CASH_APPROVALS, PAYOUT_BATCHES } from '../tokens';
import { QueueAdmin } from '../queue-admin';

/** The body of `POST /v1/admin/payout-batches`: which approved cash goes out (default: all of it). */
export const payoutBatchRequestSchema = z.strictObject({
  // A real calendar date: 2026-13-45 used to pass the pattern and select all or nothing.
  dueBefore: z.iso
    .date('must be a date, YYYY-MM-DD, that exists')
    .optional()
    .describe('Only cash due by this date (inclusive)'),
});

/**
 * Cash approval and payout batches: the admin key only. Every action is an
 * event in the reward's (and the batch's) stream, naming the key that acted.
 */
@Controller('v1/admin')
@UseGuards(AuthGuard)
@AdminOnly()
export class AdminController {
  constructor(
    @Inject(CASH_APPROVALS) private readonly cash: CashApprovals,
    @Inject(PAYOUT_BATCHES) private readonly batches: PayoutBatches,
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
  async retryDelivery(
    @Param('deliveryId', IdParamPipe) deliveryId: string,
    @Req() request: AuthedRequest,
  ) {
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
  approve(@Param('rewardId', IdParamPipe) rewardId: string, @Req() request: AuthedRequest) {
    return this.act(rewardId, 'approve', request);
  }

  @Post('rewards/:rewardId/void')
  @HttpCode(200)
  void(@Param('rewardId', IdParamPipe) rewardId: string, @Req() request: AuthedRequest) {
    return this.act(rewardId, 'void', request);
  }

  /**
   * Exports approved cash not in an open batch as a new batch: its id, its
   * rewards and its CSV (201); 200 with no batch when there is nothing to pay.
   */
  @Post('payout-batches')
  async openBatch(
    @Body() body: unknown,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const by = this.adminOnly(request);
    const parsed = payoutBatchRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      throw invalidInput('no batch was opened', problemsFromZod(parsed.error));
    }
    const batch = await this.batches.open(by, parsed.data.dueBefore);
    if (!batch) {
      reply.status(200);
      return { batchId: null, status: 'none', rewardIds: [], csv: '' };
    }
    reply.status(201);
    return batch;
  }

  /** Every batch and its status: an export whose answer was lost is found here. */
  @Get('payout-batches')
  async listBatches(@Req() request: AuthedRequest) {
    this.adminOnly(request);
    return { batches: await this.batches.list() };
  }

  @Get('payout-batches/:batchId.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async batchCsv(@Param('batchId', IdParamPipe) batchId: string, @Req() request: AuthedRequest) {
    this.adminOnly(request);
    return (await this.found(() => this.batches.get(batchId))).csv;
  }

  @Get('payout-batches/:batchId')
  async batch(@Param('batchId', IdParamPipe) batchId: string, @Req() request: AuthedRequest) {
    this.adminOnly(request);
    return this.found(() => this.batches.get(batchId));
  }

  /** The batch went out: its cash is paid out, and upstream is told as of any paid reward. */
  @Post('payout-batches/:batchId/confirm')
  @HttpCode(200)
  confirmBatch(@Param('batchId', IdParamPipe) batchId: string, @Req() request: AuthedRequest) {
    const by = this.adminOnly(request);
    return this.found(() => this.batches.confirm(batchId, by));
  }

  /** The batch will not go out: its cash is free for the next batch. */
  @Post('payout-batches/:batchId/cancel')
  @HttpCode(200)
  cancelBatch(@Param('batchId', IdParamPipe) batchId: string, @Req() request: AuthedRequest) {
    const by = this.adminOnly(request);
    return this.found(() => this.batches.cancel(batchId, by));
  }

  private async found(step: () => Promise<PayoutBatch>): Promise<PayoutBatch> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof PayoutBatchNotFound) throw new NotFoundException(error.message);
      if (error instanceof PayoutBatchRejected)
        throw new ProblemException(409, {
          kind: 'wrong-status',
          title: 'Wrong status',
          detail: error.message,
        });
      throw error;
    }
  }

  private async act(rewardId: string, action: CashAction, request: AuthedRequest) {
    const by = this.adminOnly(request);
    const outcome = await this.cash.act(rewardId, action, by);
    if (outcome.ok) return outcome.reward;
    if (outcome.reason === 'not_found') throw new NotFoundException(`no reward ${rewardId}`);
    const why = {
      not_cash: 'only cash awaits approval',
      wrong_status: `the reward is ${outcome.status}`,
      in_another_batch: 'the reward is in another payout batch',
    };
    throw new ProblemException(409, {
      kind: outcome.reason.replace(/_/g, '-'),
      title: `Cannot ${action} this reward`,
      detail: why[outcome.reason],
    });
  }

  /** The acting key's name, for the events; 403 for a program's key. */
  private adminOnly(request: AuthedRequest): string {
    const caller: Caller | undefined = request.caller;
    if (!caller?.admin) throw new ForbiddenException('the admin key is required');
    return caller.name;
  }
}
