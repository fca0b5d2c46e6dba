import { gzipSync } from 'node:zlib';
import {
  ADMIN_KEY,
  KALLYAI_KEY,
  startTestEngine,
} from '../../../../../test/support/engine-harness';
import {
  firstAnswer,
  sendExpectingContinue,
  sendWhole,
} from '../../../../../test/support/raw-http';

const LIMIT = 64 * 1024;

const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  type: 'account.signed_up',
  program: 'kallyai',
  accountId: `acct-${id}`,
  occurredAt: '2026-01-02T09:00:00Z',
  data: {},
  ...overrides,
});

describe('the HTTP edge', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine({ BODY_LIMIT_BYTES: String(LIMIT), RUN_WORKER: 'false' });
  }, 60_000);
  afterAll(() => harness?.stop());

  /** A request as sent, headers and body untouched; the answer with its body parsed when JSON. */
  async function send(
    method: string,
    path: string,
    init: { body?: string | Buffer; headers?: Record<string, string>; key?: string | null } = {},
  ) {
    const { key = ADMIN_KEY } = init;
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { ...(key !== null && { authorization: `Bearer ${key}` }), ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      type,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
      body: (type.includes('json') && text ? JSON.parse(text) : text) as any,
    };
  }
  const json = { 'content-type': 'application/json' };
  const storedIn = (accountId: string) =>
    harness.engine.runtime.store.readStream(`account:kallyai:${accountId}`);

  /** Every error answer: problem+json with type, title and the status repeated. */
  const expectProblem = (
    answer: Awaited<ReturnType<typeof send>>,
    status: number,
    fields: Record<string, unknown> = {},
  ) => {
    expect({ status: answer.status, type: answer.type }).toEqual({
      status,
      type: 'application/problem+json',
    });
    expect(answer.body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status,
        ...fields,
      }),
    );
    const allowed = ['type', 'title', 'status', 'detail', 'problems'];
    expect(Object.keys(answer.body).filter((k) => !allowed.includes(k))).toEqual([]);
  };

  describe('one problem shape on every route', () => {
    it('answers an unknown path 404', async () => {
      expectProblem(await send('GET', '/v1/nowhere'), 404, {
        type: 'about:blank',
        title: 'Not Found',
      });
    });

    it.each(['%zz', '%FF', '%ED%A0%80', '%'])(
      'answers a URL it cannot decode (%s) 400 naming the URL, before the key',
      async (segment) => {
        const path = `/v1/programs/kallyai/accounts/${segment}/referrals`;
        for (const key of [ADMIN_KEY, null]) {
          expectProblem(await send('GET', path, { key }), 400, {
            type: 'urn:referrals:problem:invalid-url',
            problems: [{ path: '(url)', rule: 'is not percent-encoded UTF-8 (RFC 3986)' }],
          });
        }
      },
    );

    it('answers a path segment longer than any id can be 400 naming the URL', async () => {
      const longest = `/v1/programs/kallyai/accounts/${'a'.repeat(2400)}/rewards`;
      expectProblem(await send('GET', longest), 400, {
        problems: [{ path: 'accountId', rule: 'must be 1 to 200 characters' }],
      });
      const longer = `/v1/programs/kallyai/accounts/${'a'.repeat(2401)}/rewards`;
      expectProblem(await send('GET', longer), 400, {
        type: 'urn:referrals:problem:invalid-url',
        problems: [{ path: '(url)', rule: 'has a path segment longer than 2400 bytes' }],
      });
    });

    it('answers invalid events 400 with every problem by path', async () => {
      const answer = await send('POST', '/v1/events', {
        headers: json,
        body: JSON.stringify([event('shape-1', { occurredAt: 'yesterday' })]),
      });
      expectProblem(answer, 400, {
        type: 'urn:referrals:problem:invalid-events',
        detail: 'nothing was stored',
        problems: [expect.objectContaining({ path: '[0].occurredAt' })],
      });
    });

    it('answers 401 naming the Bearer scheme, and 403 for another program', async () => {
      const unauthorized = await send('GET', '/v1/programs/kallyai/summary', { key: null });
      expectProblem(unauthorized, 401);
      expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
      expectProblem(await send('GET', '/v1/programs/callrail/summary', { key: KALLYAI_KEY }), 403);
    });

    it('answers 404 from a route the same way', async () => {
      expectProblem(await send('POST', '/v1/admin/rewards/nope/approve'), 404, {
        detail: 'no reward nope',
      });
    });
  });

  describe('requests that never reach a route', () => {
    it.each([
      ['not HTTP at all', 'HELLO THERE\r\n\r\n', 400],
      [
        'headers too large',
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
      ],
    ])('answers %s with a problem too', async (_case, request, status) => {
      const { response } = await sendWhole(harness.engine.url, request, Buffer.alloc(0));
      const answer = firstAnswer(response);
      expect(answer.status).toBe(status);
      expect(answer.headers).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
      expect(JSON.parse(answer.body)).toMatchObject({ type: 'about:blank', status });
    });

    it.each(['/', '', 'application/', 'json', 'application/ json', 'application/json, text/plain'])(
      'answers a Content-Type it cannot parse (%j) 415 as any other it refuses',
      async (contentType) => {
        expectProblem(
          await send('POST', '/v1/events', {
            headers: { 'content-type': contentType },
            body: '{}',
          }),
          415,
          { type: 'urn:referrals:problem:unsupported-media-type' },
        );
      },
    );
  });

  describe('a wrong method on a known path', () => {
    it('answers 405 with Allow, not 404', async () => {
      const answer = await send('GET', '/v1/events');
      expectProblem(answer, 405);
      expect(answer.headers.get('allow')).toBe('POST');
      const code = await send('DELETE', '/v1/programs/kallyai/accounts/a/referral-code');
      expectProblem(code, 405);
      expect(code.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'PUT']);
    });
  });

  describe('bearer keys', () => {
    it.each([
      ['two spaces', `Bearer  ${ADMIN_KEY}`],
      ['a space inside the key', `Bearer ${ADMIN_KEY} x`],
      ['the scheme alone', 'Bearer'],
      ['a tab', `Bearer\t${ADMIN_KEY}`],
      ['another scheme', `Basic ${ADMIN_KEY}`],
      ['no scheme', ADMIN_KEY],
    ])('answers 401 to %s', async (_case, authorization) => {
      expectProblem(
        await send('GET', '/v1/programs/kallyai/summary', {
          key: null,
          headers: { authorization },
        }),
        401,
      );
    });

    it('takes "Bearer <key>", the scheme in any case (RFC 9110 §11.1)', async () => {
      expect((await send('GET', '/v1/programs/kallyai/summary')).status).toBe(200);
      for (const scheme of ['bearer', 'BEARER']) {
        const answer = await send('GET', '/v1/programs/kallyai/summary', {
          key: null,
          headers: { authorization: `${scheme} ${ADMIN_KEY}` },
        });
        expect(answer.status).toBe(200);
      }
    });
  });

  describe('who may ask is decided before what the body holds', () => {
    it('answers a program key on an admin POST 403, whatever its body', async () => {
      for (const body of ['', '{"rewardIds": ', '{"__proto__": {}}', 'not json'])
        for (const type of ['application/json', 'text/plain']) {
          const answer = await send('POST', '/v1/admin/rewards/r1/approve', {
            key: KALLYAI_KEY,
            headers: { 'content-type': type },
            body,
          });
          expectProblem(answer, 403, { detail: 'the admin key is required' });
        }
    });

    it('answers no key 401 before a body that is not JSON', async () => {
      const answer = await send('POST', '/v1/events', {
        key: null,
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expectProblem(answer, 401);
    });

    it('accepts an empty admin POST, typed JSON or not', async () => {
      for (const headers of [json, {}]) {
        const answer = await send('POST', '/v1/admin/rewards/none/approve', { headers, body: '' });
        expectProblem(answer, 404, { detail: 'no reward none' });
      }
    });

    it('answers an empty POST /v1/events 400: the events are required', async () => {
      const answer = await send('POST', '/v1/events', { headers: json, body: '' });
      expectProblem(answer, 400, { problems: [{ path: '(body)', rule: 'is required' }] });
    });
  });

  describe('a body that is not JSON', () => {
    it.each([
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['JSON in another charset', 'application/json; charset=latin1'],
    ])('answers %s 415', async (_case, type) => {
      const answer = await send('POST', '/v1/events', {
        headers: { 'content-type': type },
        body: JSON.stringify(event('t-415')),
      });
      expectProblem(answer, 415, { type: 'urn:referrals:problem:unsupported-media-type' });
      expect(await storedIn('acct-t-415')).toHaveLength(0);
    });

    it('answers a body without a type 415', async () => {
      const response = await fetch(`${harness.engine.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        body: new Blob([JSON.stringify(event('t-untyped'))]), // a Blob without a type sends none
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });

    it('accepts JSON with a UTF-8 charset', async () => {
      const answer = await send('POST', '/v1/events', {
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(event('t-utf8')),
      });
      expect(answer.status).toBe(202);
    });

    it('answers invalid JSON 400 and names what is wrong', async () => {
      const answer = await send('POST', '/v1/events', { headers: json, body: '{"id": ' });
      expectProblem(answer, 400, {
        type: 'urn:referrals:problem:invalid-json',
        title: 'Invalid JSON',
      });
      expect(answer.body.detail).toMatch(/^the body is not valid JSON \(.+\)$/);
    });

    it('answers bytes that are not UTF-8 400', async () => {
      const answer = await send('POST', '/v1/events', {
        headers: json,
        body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      });
      expectProblem(answer, 400, { title: 'Invalid UTF-8' });
    });
  });

  describe('names of what every object inherits, where a name is looked up', () => {
    it.each(['toString', 'constructor', '__proto__'])(
      'answers an event type %s 400 as an unknown type',
      async (type) => {
        const answer = await send('POST', '/v1/events', {
          headers: json,
          body: JSON.stringify(event('inherited-type', { type })),
        });
        expectProblem(answer, 400, {
          type: 'urn:referrals:problem:invalid-events',
          problems: [expect.objectContaining({ path: 'type' })],
        });
      },
    );

    it.each(['__proto__', 'constructor', 'hasOwnProperty'])(
      'answers a Stripe webhook for program %s 404, as for any program without one',
      async (program) => {
        const answer = await send('POST', `/v1/stripe/${program}/webhook`, {
          key: null,
          headers: { ...json, 'stripe-signature': 't=1,v1=abc' },
          body: '{}',
        });
        expectProblem(answer, 404);
      },
    );

    it.each(['toString', 'constructor', '__proto__', 'valueOf'])(
      'answers /docs/assets/%s and /portal/assets/%s 404',
      async (file) => {
        expectProblem(await send('GET', `/docs/assets/${file}`, { key: null }), 404);
        expect((await send('GET', `/portal/assets/${file}`, { key: null })).status).toBe(404);
      },
    );
  });

  describe('keys that could reach a prototype', () => {
    it.each([
      ['__proto__ at the top', `{"__proto__": {"admin": true}, "id": "p1"}`, '__proto__'],
      [
        'constructor.prototype in data',
        JSON.stringify([event('p2'), { ...event('p3'), data: { constructor: { prototype: {} } } }]),
        '[1].data.constructor',
      ],
      [
        'prototype deep in an array',
        `[{"data": {"list": [{"prototype": 1}]}}]`,
        '[0].data.list[0].prototype',
      ],
      ['an escaped __proto__', `{"\\u005f_proto__": {}}`, '__proto__'],
    ])('answers %s 400 naming its path, not "invalid JSON"', async (_case, body, path) => {
      const answer = await send('POST', '/v1/events', { headers: json, body });
      expectProblem(answer, 400, {
        type: 'urn:referrals:problem:forbidden-key',
        problems: [{ path, rule: expect.stringContaining('forbidden key') }],
      });
      expect(answer.body.title).not.toMatch(/JSON/);
      expect(await storedIn('acct-p2')).toHaveLength(0);
    });
  });

  describe('Content-Encoding', () => {
    it('accepts a gzip body', async () => {
      const answer = await send('POST', '/v1/events', {
        headers: { ...json, 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(event('gz-1'))),
      });
      expect(answer).toMatchObject({ status: 202, body: { stored: 1 } });
      expect(await storedIn('acct-gz-1')).toHaveLength(1);
    });

    it('answers 413 to gzip that inflates past the limit (a zip bomb)', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * LIMIT, 0x20));
      expect(bomb.length).toBeLessThan(LIMIT);
      const answer = await send('POST', '/v1/events', {
        headers: { ...json, 'content-encoding': 'gzip' },
        body: bomb,
      });
      expectProblem(answer, 413, { type: 'urn:referrals:problem:body-too-large' });
    });

    it('answers a body that is not gzip 400', async () => {
      const answer = await send('POST', '/v1/events', {
        headers: { ...json, 'content-encoding': 'gzip' },
        body: JSON.stringify(event('gz-2')),
      });
      expectProblem(answer, 400, { type: 'urn:referrals:problem:invalid-gzip' });
    });

    it.each(['br', 'deflate', 'gzip, gzip'])('answers %s 415 naming gzip', async (encoding) => {
      const answer = await send('POST', '/v1/events', {
        headers: { ...json, 'content-encoding': encoding },
        body: 'whatever',
      });
      expectProblem(answer, 415, { type: 'urn:referrals:problem:unsupported-content-encoding' });
      expect(answer.headers.get('accept-encoding')).toBe('gzip');
    });
  });

  describe('Expect: 100-continue', () => {
    it('invites a body within the limit and stores it', async () => {
      const body = Buffer.from(JSON.stringify(event('continue-1')));
      const { response, error } = await sendExpectingContinue(
        harness.engine.url,
        `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          `Expect: 100-continue\r\nConnection: close\r\n\r\n`,
        body,
      );
      expect(error).toBeUndefined();
      expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 /);
      expect(await storedIn('acct-continue-1')).toHaveLength(1);
    });

    it('answers an oversize one 413 in place of 100 Continue', async () => {
      const { response, error } = await sendExpectingContinue(
        harness.engine.url,
        `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n` +
          `Expect: 100-continue\r\n\r\n`,
        Buffer.alloc(LIMIT + 1),
      );
      expect(error).toBeUndefined();
      const answer = firstAnswer(response);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413, title: 'Body too large' });
    });
  });

  describe('what Node would answer with an empty body', () => {
    it.each([
      ['an HTTP/1.1 request without Host', 'GET /health/live HTTP/1.1\r\n', 400],
      [
        'Authorization sent twice',
        `GET /v1/programs/kallyai/summary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nAuthorization: Bearer nope\r\n`,
        400,
      ],
      [
        'an expectation other than 100-continue',
        'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n',
        417,
      ],
    ])('answers %s as a problem', async (_, head, status) => {
      const { response } = await sendWhole(
        harness.engine.url,
        `${head}Connection: close\r\n\r\n`,
        Buffer.alloc(0),
      );
      const answer = firstAnswer(response);
      expect(answer.status).toBe(status);
      expect(answer.headers.toLowerCase()).toContain('content-type: application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({ status });
    });
  });
});
