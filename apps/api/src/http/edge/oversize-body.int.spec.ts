import { ADMIN_KEY, startTestEngine } from '../../../../../test/support/engine-harness';
import {
  firstAnswer,
  RawExchange,
  sendChunked,
  sendExpectingContinue,
  sendWhole,
} from '../../../../../test/support/raw-http';

const LIMIT = 1024 * 1024;
const EIGHT_MB = Buffer.alloc(8 * 1024 * 1024, 0x20);
const TIMES = 50;

/**
 * Issue 13: an oversize body must end in a 413 the client reads, never a
 * reset or a broken pipe. Each way of sending runs back to back, many times,
 * so a race between the answer and the close shows.
 */
describe('an oversize body', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine({ BODY_LIMIT_BYTES: String(LIMIT), RUN_WORKER: 'false' });
  }, 60_000);
  afterAll(() => harness?.stop());

  const head = (headers: string) =>
    `POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
    `Content-Type: application/json\r\n${headers}\r\n`;

  /** The client read a whole 413 problem and saw no reset. */
  const expect413 = ({ response, error }: RawExchange) => {
    expect({ error, status: firstAnswer(response).status }).toEqual({
      error: undefined,
      status: 413,
    });
    expect(JSON.parse(firstAnswer(response).body)).toMatchObject({
      type: 'urn:referrals:problem:body-too-large',
      status: 413,
    });
  };

  it(`reads a 413 with fetch, ${TIMES} times back to back`, async () => {
    for (let i = 0; i < TIMES; i++) {
      const response = await fetch(`${harness.engine.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: EIGHT_MB,
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 413, title: 'Body too large' });
    }
  }, 60_000);

  it(`answers Expect: 100-continue with a 413 instead, ${TIMES} times`, async () => {
    for (let i = 0; i < TIMES; i++) {
      const exchange = await sendExpectingContinue(
        harness.engine.url,
        head(`Content-Length: ${EIGHT_MB.length}\r\nExpect: 100-continue\r\n`),
        EIGHT_MB,
      );
      expect(exchange.response).not.toMatch(/^HTTP\/1\.1 100/);
      expect413(exchange);
    }
  }, 60_000);

  it(`lets a client that sends the whole body anyway read its 413, ${TIMES} times`, async () => {
    for (let i = 0; i < TIMES; i++) {
      // Half of them also asked for 100 Continue but did not wait for it, as curl does after a second.
      const expect = i % 2 === 0 ? 'Expect: 100-continue\r\n' : '';
      expect413(
        await sendWhole(
          harness.engine.url,
          head(`Content-Length: ${EIGHT_MB.length}\r\n${expect}`),
          EIGHT_MB,
        ),
      );
    }
  }, 60_000);

  it('answers a chunked body that grows past the limit 413, also to fetch', async () => {
    for (let i = 0; i < 20; i++) {
      expect413(
        await sendChunked(harness.engine.url, head('Transfer-Encoding: chunked\r\n'), 4 * LIMIT),
      );
    }
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const response = await fetch(`${harness.engine.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          if ((sent += chunk.length) > 4 * LIMIT) controller.close();
          else controller.enqueue(chunk);
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413 });
  }, 60_000);

  it('still takes a body just within the limit on the same server', async () => {
    const response = await fetch(`${harness.engine.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: `[${' '.repeat(LIMIT - 2)}]`,
    });
    // Within the limit, so the body is read and judged: an empty batch.
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      problems: [{ path: '(body)', rule: 'must hold at least one event' }],
    });
  });
});
