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

/** A URL Fastify cannot decode (`/%zz`): a 400 problem. */
export function answerBadUrl(error: Error, _request: FastifyRequest, reply: FastifyReply) {
  sendProblem(reply, problemDocument(400, { detail: error.message }));
}
