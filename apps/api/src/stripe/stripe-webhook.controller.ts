import {
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { StripeInbox } from '@referrals/stripe';
import { AuthedRequest, AuthGuard } from '../auth/auth.guard';
import { ProblemException } from '../http/edge/problem';

/** The body's bytes as they arrived: the signature is over them, not over re-serialized JSON. */
type WithRawBody = FastifyRequest & { rawBody?: Buffer };

/**
 * Stripe's webhook endpoint for a program. Stripe signs instead of sending a
 * key: the signature over the raw body is the authentication. Answers fast:
 * the work is one append of the raw event and one ingest.
 */
@Controller('v1')
export class StripeWebhookController {
  constructor(@Inject(StripeInbox) private readonly inbox: StripeInbox) {}

  @Post('stripe/:program/webhook')
  @HttpCode(200)
  async receive(
    @Param('program') program: string,
    @Req() request: WithRawBody,
    @Headers('stripe-signature') signature: string | undefined,
  ) {
    if (!request.rawBody)
      throw new ProblemException(400, {
        kind: 'invalid-stripe-event',
        title: 'Not a Stripe event',
        detail: 'the body must be the JSON event Stripe sent; nothing was stored',
      });
    const receipt = await this.inbox.receive(program, request.rawBody, signature);
    switch (receipt.status) {
      case 'no_endpoint':
        throw new ProblemException(404, {
          kind: 'no-stripe-endpoint',
          title: 'No Stripe endpoint',
          detail: `program ${program} has no Stripe endpoint: give it a secret in STRIPE_WEBHOOK_SECRETS`,
        });
      case 'bad_signature':
        throw new ProblemException(400, {
          kind: 'invalid-stripe-signature',
          title: 'Invalid Stripe signature',
          detail: `the Stripe-Signature does not verify (${receipt.detail}); nothing was stored`,
        });
      case 'invalid':
        throw new ProblemException(400, {
          kind: 'invalid-stripe-event',
          title: 'Not a Stripe event',
          detail: 'the signed body is no Stripe event this endpoint can keep; nothing was stored',
          problems: receipt.problems,
        });
      case 'rejected':
        // Not 2xx, so Stripe retries (and shows it failing) while the mapping or configuration is fixed.
        throw new ProblemException(422, {
          kind: 'unmappable-stripe-event',
          title: 'Stripe event not mapped',
          detail: `Stripe event ${receipt.stripeEventId} was kept as received but maps to no valid contract event`,
          problems: receipt.problems,
        });
      case 'accepted':
        return {
          received: true,
          stripeEventId: receipt.stripeEventId,
          mapping: receipt.mapping,
          stored: receipt.stored,
          duplicates: receipt.duplicates,
        };
    }
  }

  /** What the endpoint received since start-up: events per outcome, unmapped ones per Stripe type. */
  @Get('admin/stripe/metrics')
  @UseGuards(AuthGuard)
  metrics(@Req() request: AuthedRequest) {
    if (!request.caller?.admin) throw new ForbiddenException('the admin key is required');
    return this.inbox.stats();
  }
}
