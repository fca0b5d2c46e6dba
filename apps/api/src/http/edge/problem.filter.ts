import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Problem, ProblemDocument } from '@referrals/contracts';
import {
  problemDocument,
  ProblemException,
  RETRY_AFTER_HEADERS,
  storeUnavailableProblem,
} from './problem';
import { unsupportedMediaType } from './json-body';
import { sendProblem } from './send-problem';
import { isStoreUnavailable } from '@referrals/event-store';

/**
 * Every error of every route, Nest's and Fastify's included, answered as one
 * `application/problem+json` shape. A store that cannot be reached is a 503
 * to retry; anything else unforeseen is a 500, logged, its details kept from
 * the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost) {
    return answerError(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger);
  }
}

/** The answer `ProblemFilter` gives `error`, for a route outside Nest (see events.route.ts). */
export function answerError(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  if (error instanceof ProblemException) return sendProblem(reply, error.problem, error.headers);
  // Fastify refuses a Content-Type it cannot parse (`json`, `application/`) before
  // the body parser sees it: the same problem as any other type that is not JSON.
  if (statusOf(error) === 415) {
    return sendProblem(reply, unsupportedMediaType(reply.request.headers['content-type']).problem);
  }
  if (error instanceof HttpException) return sendProblem(reply, fromHttpException(error));
  if (isStoreUnavailable(error)) {
    logger.warn(`event store unreachable: ${(error as Error).message}`);
    return sendProblem(reply, storeUnavailableProblem(), RETRY_AFTER_HEADERS);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return sendProblem(reply, problemDocument(500));
}

/** Nest's own exceptions (`NotFoundException('…')`, Fastify errors Nest wrapped): the status, its message as detail. */
function fromHttpException(error: HttpException): ProblemDocument {
  const status = error.getStatus();
  const response = error.getResponse();
  const body: Record<string, unknown> =
    typeof response === 'string' ? { message: response } : (response as Record<string, unknown>);
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return problemDocument(status, {
    detail: typeof message === 'string' && message !== '' ? message : undefined,
    problems: isProblemList(body.problems) ? body.problems : undefined,
  });
}

const statusOf = (error: unknown): unknown =>
  error instanceof HttpException
    ? error.getStatus()
    : (error as { statusCode?: unknown } | null)?.statusCode;

const isProblemList = (value: unknown): value is Problem[] =>
  Array.isArray(value) &&
  value.every(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      typeof p.path === 'string' &&
      typeof p.rule === 'string',
  );
