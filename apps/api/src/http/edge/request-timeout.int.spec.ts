import { ADMIN_KEY, api, startTestEngine } from '../../../../../test/support/engine-harness';
import { firstAnswer, sendPartly } from '../../../../../test/support/raw-http';

const TIMEOUT_MS = 1_000;

describe('a request that stops arriving mid-body', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine({ REQUEST_TIMEOUT: `${TIMEOUT_MS}ms`, RUN_WORKER: 'false' });
  }, 60_000);
  afterAll(() => harness?.stop());

  it('is answered 408 once REQUEST_TIMEOUT has passed, and nothing of it is stored', async () => {
    const body = JSON.stringify([
      {
        id: 'late-1',
        type: 'account.signed_up',
        program: 'kallyai',
        accountId: 'late-account',
        occurredAt: '2026-01-02T09:00:00Z',
        data: {},
      },
    ]);
    const head =
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const started = Date.now();
    const { response } = await sendPartly(
      harness.engine.url,
      head,
      Buffer.from(body.slice(0, body.length - 5)),
    );
    const tookMs = Date.now() - started;

    const answer = firstAnswer(response);
    expect(answer.status).toBe(408);
    expect(answer.headers.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 408,
      detail: 'the request took too long to arrive',
    });
    // Node checks for late requests every tenth of the timeout.
    expect(tookMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(tookMs).toBeLessThan(TIMEOUT_MS * 5);
    // Nothing of it was stored: sent whole, the same event is new.
    const whole = await api(harness.engine, 'POST', '/v1/events', body);
    expect(whole).toMatchObject({ status: 202, body: { stored: 1, duplicates: 0 } });
  }, 30_000);

  it('still takes a whole request that arrives in time', async () => {
    const answer = await api(harness.engine, 'GET', '/health/live', undefined, null);
    expect(answer.status).toBe(200);
  });
});
