import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeys } from '../auth/api-keys';

/**
 * The admin key in a request: `Authorization: Bearer KEY` (Prometheus'
 * `authorization` setting, curl), or Basic with the key as the password, so
 * a browser asks for it and /admin/queues opens without an extension.
 */
export function isAdmin(keys: ApiKeys, request: FastifyRequest): boolean {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer (.+)$/i.exec(header);
  const basic = /^Basic (.+)$/i.exec(header);
  let key: string | undefined;
  if (bearer) key = bearer[1].trim();
  else if (basic) {
    const decoded = Buffer.from(basic[1].trim(), 'base64').toString('utf8');
    key = decoded.slice(decoded.indexOf(':') + 1);
  }
  return key !== undefined && key !== '' && keys.identify(key)?.admin === true;
}

/** 401 with a Basic challenge (the browser's prompt), as problem+json. */
export function refuse(reply: FastifyReply, detail: string) {
  return reply
    .status(401)
    .header('www-authenticate', 'Basic realm="referral engine admin", charset="UTF-8"')
    .header('content-type', 'application/problem+json')
    .send({ type: 'about:blank', title: 'Unauthorized', status: 401, detail });
}
