import { PROBLEM_CONTENT_TYPE } from './problem';

/** The RFC 9457 problem document every error answer carries (`ProblemDocument`). */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: {
      type: 'string',
      description: '`urn:referrals:problem:<kind>` for kinds this API defines, else `about:blank`',
    },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    problems: {
      type: 'array',
      description: 'Each rule the input broke, by path',
      items: {
        type: 'object',
        required: ['path', 'rule'],
        properties: { path: { type: 'string' }, rule: { type: 'string' } },
      },
    },
  },
};

type Responses = Record<string, { description: string; content?: unknown; headers?: unknown }>;
type Document = { paths: Record<string, Record<string, { responses?: Responses }>> };

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
};

/** Errors any operation can answer, and those of operations that take a body. */
const EVERY_OPERATION: Responses = {
  '405': { description: 'Not a method of this path; `Allow` lists those that are' },
  '503': { description: 'The event store is unreachable; nothing stored', headers: retryAfter },
};
const WITH_BODY: Responses = {
  '408': { description: 'The body did not arrive within REQUEST_TIMEOUT; nothing stored' },
  '413': { description: 'Body over BODY_LIMIT_BYTES, as sent or once inflated' },
  '415': { description: 'Body not application/json, or Content-Encoding not gzip' },
};

/** Gives every operation the errors of the HTTP edge, and every error the problem+json content. */
export function withProblemResponses<D extends Document>(document: D): D {
  const content = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses: Responses = {
        ...EVERY_OPERATION,
        ...(['post', 'put', 'patch'].includes(method) ? WITH_BODY : {}),
        ...operation.responses,
      };
      for (const [status, response] of Object.entries(responses))
        if (Number(status) >= 400) responses[status] = { ...response, content };
      operation.responses = responses;
    }
  }
  return document;
}
