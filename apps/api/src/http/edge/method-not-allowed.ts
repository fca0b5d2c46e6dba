import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import Router, { HTTPMethod } from 'find-my-way';
import { ProblemException } from './problem';

/**
 * 405 with `Allow` for a known path asked with a method it does not take
 * (Fastify alone answers 404). A second router holds every route as it is
 * registered; an unmatched request asks it which methods the path has.
 */
export function answerWrongMethods(fastify: FastifyInstance) {
  const known = Router();
  const methods = new Set<HTTPMethod>();
  fastify.addHook('onRoute', (route) => {
    for (const method of ([] as HTTPMethods[])
      .concat(route.method)
      .map((m) => m.toUpperCase() as HTTPMethod)) {
      if (known.hasRoute(method, route.url)) continue;
      known.on(method, route.url, () => undefined);
      methods.add(method);
    }
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = [...methods].filter((method) => known.find(method, path));
    if (allowed.length === 0) return;
    throw new ProblemException(
      405,
      { detail: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}` },
      { allow: allowed.join(', ') },
    );
  });
}
