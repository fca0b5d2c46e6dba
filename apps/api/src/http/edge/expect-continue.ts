import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { preParsingHookHandler } from 'fastify';

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
