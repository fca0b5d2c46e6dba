import { ADMIN_KEY, onPostgres, startTestEngine } from '../../../../../test/support/engine-harness';
import { PgProxy } from '../../../../../test/support/pg-proxy';

const event = {
  id: 'while-down',
  type: 'account.signed_up',
  program: 'kallyai',
  accountId: 'acct-while-down',
  occurredAt: '2026-01-02T09:00:00Z',
  data: {},
};

/** The event store goes away (PostgreSQL behind a proxy the test cuts): 503 to retry, nothing stored. */
describe('while the event store is unreachable', () => {
  let proxy: PgProxy;
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    proxy = await PgProxy.start();
    harness = await startTestEngine({
      ...onPostgres(),
      DATABASE_URL: proxy.url(),
      RUN_WORKER: 'false',
    });
  }, 60_000);
  afterAll(async () => {
    proxy?.restore();
    await harness?.stop();
    await proxy?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers 503 with Retry-After, then stores the same event once it is back', async () => {
    proxy.cut();
    for (const response of [
      await call('POST', '/v1/events', event),
      await call('GET', '/v1/programs/kallyai/accounts/acct-while-down/rewards'),
    ]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toEqual({
        type: 'urn:referrals:problem:store-unavailable',
        title: 'Event store unavailable',
        status: 503,
        detail: expect.stringContaining('nothing of this request was stored'),
      });
    }

    // Not ready, in the same problem shape, with the failing check named.
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    const report = (await ready.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      type: 'urn:referrals:problem:not-ready',
      title: 'Not ready',
      status: 503,
      redis: 'ok',
      detail: expect.stringMatching(/^event store: /),
    });
    expect(report.store).not.toBe('ok');

    proxy.restore();
    // Nothing of the refused request was kept: the same event now stores as new, not a duplicate.
    const stored = await call('POST', '/v1/events', event);
    expect(stored.status).toBe(202);
    expect(await stored.json()).toEqual({ stored: 1, duplicates: 0 });
  }, 30_000);
});
