import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bodyTooLarge, declaredLength } from './body-limit';
import { continueBeforeBody, holdContinue, refuseOtherExpectations } from './expect-continue';
import { headerProblem } from './header-rules';
import { jsonBodyParser } from './json-body';
import { closeConnectionsGracefully } from './lingering-close';
import { answerBadUrl, answerMalformedHttp, MAX_PARAM_BYTES } from './malformed-http';
import { answerWrongMethods } from './method-not-allowed';
import { ProblemFilter } from './problem.filter';
import { RejectedBodyInterceptor } from './rejected-body.interceptor';
import { sendProblem } from './send-problem';

/** Fastify's own options for the edge: the body limit, and problems for what never reaches a route. */
export const edgeFastifyOptions = (
  bodyLimit: number,
  requestTimeout: number,
): FastifyHttpOptions<Server> => ({
  bodyLimit,
  // A request not whole within this is answered 408 (answerMalformedHttp); 0 waits for ever.
  requestTimeout,
  // Fastify's default (100) refused ids that events carry (see MAX_PARAM_BYTES).
  routerOptions: { maxParamLength: MAX_PARAM_BYTES },
  http: {
    // Node would answer a missing Host with an empty 400; headerProblem gives the problem.
    requireHostHeader: false,
    // Node (20) times a body out only when the head's own limit is no longer than the
    // request's: one set after the server is made, as Fastify sets requestTimeout, is not.
    // Node looks for late requests every `connectionsCheckingInterval` (30 s by default):
    // a tenth of the timeout keeps the 408 within 10 % of it.
    ...(requestTimeout > 0 && {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.round(requestTimeout / 10))),
    }),
  },
  clientErrorHandler: answerMalformedHttp,
  frameworkErrors: answerBadUrl,
});

/**
 * The HTTP edge below Nest, set up before the routes are registered (before
 * `listen`/`init`), with Nest's own body parsers off (`bodyParser: false`):
 * an oversize body refused from its Content-Length before any of it is read
 * (and before `100 Continue`), connections closed without a reset, one body
 * parser for JSON (gzip accepted), and 405 for a known path's wrong method.
 * Every error, of a route or of Fastify, is shaped by `ProblemFilter`.
 */
export function configureHttpEdge(app: NestFastifyApplication, bodyLimit: number) {
  const fastify = app.getHttpAdapter().getInstance();
  const server = app.getHttpServer() as Server;
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new RejectedBodyInterceptor());
  closeConnectionsGracefully(server);
  const waitingForContinue = holdContinue(server);
  refuseOtherExpectations(server);

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const problem = headerProblem(request.raw);
    if (problem) return sendProblem(reply, problem);
  });

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if ((declaredLength(request.headers) ?? 0) <= bodyLimit) return;
    // Answered before reading: the client may still be sending, so this connection closes after.
    reply.header('connection', 'close');
    return sendProblem(reply, bodyTooLarge(bodyLimit).problem);
  });
  fastify.addHook('preParsing', continueBeforeBody(waitingForContinue));

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', jsonBodyParser(bodyLimit));
  answerWrongMethods(fastify);
}
