import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { FORBIDDEN_KEY_RULE, forbiddenKeyPath } from '@referrals/contracts';
import { bodyTooLarge } from './body-limit';
import { invalidInput, ProblemException } from './problem';

const inflate = promisify(gunzip);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body refused for what it is (not JSON, not UTF-8, a forbidden key…). The
 * parser leaves it as the request's body instead of failing, so that the
 * guards decide 401/403 first; `RejectedBodyInterceptor` then throws its problem
 * on every route, whether or not it reads a body.
 */
export class RejectedBody {
  constructor(readonly problem: ProblemException) {}
}

/** The decoded bytes of a JSON body, for a route that checks a signature over them. */
export type WithRawBody = FastifyRequest & { rawBody?: Buffer };

/**
 * The one body parser (every content type comes here): reads at most `limit`
 * bytes, inflates gzip to at most `limit` bytes, and parses JSON. Too large is
 * answered at once (413) and the rest of the body discarded; an empty body is
 * no body.
 */
export function jsonBodyParser(limit: number) {
  return async (request: WithRawBody, payload: Readable): Promise<unknown> => {
    const unsupported = unsupportedMedia(request.headers);
    const { bytes: raw, size } = await readAtMost(payload, limit, unsupported === undefined);
    if (size === 0) return undefined;
    if (unsupported) return new RejectedBody(unsupported);
    const bytes = isGzip(request.headers) ? await inflateAtMost(raw, limit) : raw;
    if (bytes instanceof RejectedBody) return bytes;
    request.rawBody = bytes;
    return parseJson(bytes);
  };
}

function unsupportedMedia(headers: IncomingHttpHeaders): ProblemException | undefined {
  // What nearly every request sends, answered without parsing the header.
  if (headers['content-type'] === 'application/json' && headers['content-encoding'] === undefined)
    return undefined;
  const [media, ...parameters] = (headers['content-type'] ?? '').split(';');
  const charset = parameters
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (media.trim().toLowerCase() !== 'application/json' || (charset && charset !== 'utf-8')) {
    return unsupportedMediaType(headers['content-type']);
  }
  const encoding = contentEncoding(headers);
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    return new ProblemException(
      415,
      {
        kind: 'unsupported-content-encoding',
        title: 'Unsupported content encoding',
        detail: `Content-Encoding ${encoding} is not supported: send the body as is or gzip`,
      },
      // RFC 9110 §15.5.16: a 415 for a content coding names the ones accepted.
      { 'accept-encoding': 'gzip' },
    );
  }
  return undefined;
}

/** The 415 of a body that is not JSON: from this parser, or from Fastify for a Content-Type it cannot read at all. */
export const unsupportedMediaType = (contentType: string | undefined) =>
  new ProblemException(415, {
    kind: 'unsupported-media-type',
    title: 'Unsupported media type',
    detail: `the body must be application/json (UTF-8), not ${contentType || 'untyped'}`,
  });

const contentEncoding = (headers: IncomingHttpHeaders) =>
  (headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity';

const isGzip = (headers: IncomingHttpHeaders) => contentEncoding(headers) !== 'identity';

/**
 * The body's size, and its bytes when `keep`. Past `limit` it stops keeping and
 * rejects with 413 at once, leaving the stream flowing so the rest is
 * discarded: the connection then closes without a reset (see lingering-close).
 */
function readAtMost(
  stream: Readable,
  limit: number,
  keep: boolean,
): Promise<{ bytes: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        stream.resume();
        reject(bodyTooLarge(limit));
      } else if (keep) chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve({ bytes: Buffer.concat(chunks), size });
    };
    const onError = () => {
      stop();
      reject(
        new ProblemException(400, { title: 'Incomplete body', detail: 'the body ended early' }),
      );
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
    stream.resume();
  });
}

/** Inflates gzip, stopping at `limit` bytes of output: a zip bomb costs `limit` and gets 413. */
async function inflateAtMost(raw: Buffer, limit: number): Promise<Buffer | RejectedBody> {
  try {
    return await inflate(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bodyTooLarge(limit);
    return new RejectedBody(
      new ProblemException(400, {
        kind: 'invalid-gzip',
        title: 'Invalid gzip',
        detail: `the body is not valid gzip (${(error as Error).message})`,
      }),
    );
  }
}

function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return new RejectedBody(
      new ProblemException(400, {
        kind: 'invalid-utf8',
        title: 'Invalid UTF-8',
        detail: 'the body is not valid UTF-8',
      }),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new RejectedBody(
      new ProblemException(400, {
        kind: 'invalid-json',
        title: 'Invalid JSON',
        detail: `the body is not valid JSON (${(error as Error).message})`,
      }),
    );
  }
  const path = forbiddenKeyPath(value);
  if (path === undefined) return value;
  return new RejectedBody(
    invalidInput('nothing was stored', [{ path, rule: FORBIDDEN_KEY_RULE }], 'forbidden-key'),
  );
}
