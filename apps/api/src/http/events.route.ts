import { ForbiddenException, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventIngestor } from '@referrals/ingestion';
import { ApiKeys, Caller, mayReach } from '../auth/api-keys';
import { callerOf } from '../auth/auth.guard';
import { INGESTOR } from '../tokens';
import { RejectedBody } from './edge/json-body';
import { invalidInput, ProblemException } from './edge/problem';
import { answerError } from './edge/problem.filter';

/**
 * `POST /v1/events`: one event or an array of up to 1,000, all stored or none.
 *
 * The busiest route, so a plain Fastify route on Nest's instance: Nest's
 * per-request layers (execution context, guard and pipe consumers, the
 * filter's dispatch) cost about a fifth of a single event's CPU. It answers as
 * the controller it replaces did, step for step: the edge's hooks and body
 * parser as for every route (413, 415, gzip, request lines), then `AuthGuard`'s
 * 401 (`callerOf`), then `RejectedBodyInterceptor`'s problem of a refused body, then
 * the route's own checks; every error shaped by `ProblemFilter`'s
 * `answerError`. The ingestor is the counting one, as Nest injected.
 */
@Injectable()
export class EventsRoute implements OnModuleInit {
  private readonly logger = new Logger('HTTP');

  constructor(
    @Inject(INGESTOR) private readonly ingestor: EventIngestor,
    private readonly keys: ApiKeys,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post('/v1/events', (request, reply) => this.answer(request, reply));
  }

  private async answer(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const caller = callerOf(this.keys, request.headers.authorization);
      const body = request.body;
      if (body instanceof RejectedBody) throw body.problem;
      return reply.code(202).send(await this.post(body, caller));
    } catch (error) {
      return answerError(reply, error, this.logger);
    }
  }

  private async post(body: unknown, caller: Caller) {
    if (body === undefined)
      throw invalidInput('nothing was stored', [{ path: '(body)', rule: 'is required' }]);
    const items = Array.isArray(body) ? body : [body];
    const foreign = items.find(
      (e) =>
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
