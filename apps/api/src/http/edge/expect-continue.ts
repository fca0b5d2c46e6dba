import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { preParsingHookHandler } from 'fastify';
import { problemDocument, PROBLEM_CONTENT_TYPE } from './problem';

/**
 * `Expect: 100-continue` asks before sending a body. Node would say
 * `100 Continue` at once; here the request goes through the route's first
 * hooks instead (an oversize Content-Length gets its 413 in place of the
 * 100), and `continueBeforeBody` invites the body only when it is about to be
 * read.
 */
export function holdContinue(server: Server): WeakSet<IncomingMessage> {
  const waiting = new WeakSet<IncomingMessage>();
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    waiting.add(request);
    server.emit('request', request, response);
  });
  return waiting;
}

/** A preParsing hook: the body is wanted now. */
export function continueBeforeBody(waiting: WeakSet<IncomingMessage>): preParsingHookHandler {
  return (request, reply, payload, done) => {
    if (waiting.delete(request.raw)) reply.raw.writeContinue();
    done(null, payload);
  };
}

/**
 * Any other `Expect` cannot be met (RFC 9110 §10.1.1): Node answers 417 with
 * no body of its own; this answers it in the one problem shape.
 */
export function refuseOtherExpectations(server: Server): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(
      problemDocument(417, { detail: 'the only expectation this server meets is 100-continue' }),
    );
    response.writeHead(417, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
    request.resume();
  });
}
