import type { IncomingMessage } from 'node:http';
import type { ProblemDocument } from '@referrals/contracts';
import { problemDocument } from './problem';

/**
 * What is wrong with a request's head before any route looks at it, or
 * undefined: an HTTP/1.1 request without Host (RFC 9112 §3.2; Node would
 * answer an empty 400), or Authorization sent twice (RFC 9110 §5.3: not a
 * list; Node keeps the first and drops the rest, so which key was meant would
 * be a guess).
 */
export function headerProblem(request: IncomingMessage): ProblemDocument | undefined {
  if (request.httpVersion === '1.1' && request.headers.host === undefined)
    return problemDocument(400, { detail: 'an HTTP/1.1 request must have a Host header' });
  if (countOf(request.rawHeaders, 'authorization') > 1)
    return problemDocument(400, {
      detail: 'the Authorization header is sent more than once; send one key',
    });
  return undefined;
}

/** How many field lines name `header` (rawHeaders alternate names and values). */
function countOf(rawHeaders: readonly string[], header: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (rawHeaders[i].length === header.length && rawHeaders[i].toLowerCase() === header) count++;
  return count;
}
