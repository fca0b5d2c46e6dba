import type { FastifyReply } from 'fastify';
import type { ProblemDocument } from '@referrals/contracts';
import { PROBLEM_CONTENT_TYPE } from './problem';

/** Answers with a problem document, unless an answer already went out. */
export function sendProblem(
  reply: FastifyReply,
  problem: ProblemDocument,
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  if (reply.sent) return reply;
  // A 401 names the scheme to use (RFC 9110 §11.6.1).
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(problem)));
}
