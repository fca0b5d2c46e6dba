import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemDocument, PROBLEM_CONTENT_TYPE } from './problem';
import { sendProblem } from './send-problem';

/**
 * Requests that never reach a route (malformed HTTP, headers too large, a
 * timeout) still get the one problem shape, written straight to the socket as
 * Fastify's own handler does.
 */
export function answerMalformedHttp(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify(problemDocument(status, { detail }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * A URL Fastify cannot route: a path segment that is not percent-encoded
 * UTF-8 (`%zz`, `%FF`, an encoded lone surrogate) or longer than any id can
 * be. It is answered before a route is found, so before the key is checked;
 * its problem names the URL as a body's problem names its field.
 */
export function answerBadUrl(
  error: Error & { code?: string },
  _request: FastifyRequest,
  reply: FastifyReply,
) {
  const rule =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `has a path segment longer than ${MAX_PARAM_BYTES} bytes`
      : 'is not percent-encoded UTF-8 (RFC 3986)';
  sendProblem(
    reply,
    problemDocument(400, {
      kind: 'invalid-url',
      title: 'Invalid URL',
      detail: error.message,
      problems: [{ path: '(url)', rule }],
    }),
  );
}

/**
 * The longest path segment routed: an id is up to 200 characters (§1), and a
 * path carries it percent-encoded, up to 4 UTF-8 bytes a character and 3
 * characters a byte. Longer cannot be an id; IdParamPipe names the id rule.
 */
export const MAX_PARAM_BYTES = 200 * 4 * 3;
