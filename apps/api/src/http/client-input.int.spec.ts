import {
  ADMIN_KEY,
  api,
  onPostgres,
  startTestEngine,
} from '../../../../test/support/engine-harness';

/**
 * Never a 500 for anything a client sent: each case here was one, found by
 * fuzzing the running API on PostgreSQL (which refuses a NUL in text and a
 * lone surrogate in jsonb outright).
 */
describe('what a client sends is answered, never with a 500', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine(onPostgres());
  }, 60_000);
  afterAll(() => harness?.stop());
  const call = (method: string, path: string, body?: unknown) =>
    api(harness.engine, method, path, body, ADMIN_KEY);

  describe('an id in the path that no event could carry', () => {
    it.each([
      ['GET', '/v1/programs/kallyai/accounts/a%00b/referrals', 'accountId'],
      ['GET', '/v1/programs/kallyai/accounts/a%00b/rewards', 'accountId'],
      ['PUT', '/v1/programs/kallyai/accounts/a%01b/referral-code', 'accountId'],
      ['POST', '/v1/programs/kallyai/accounts/a%00b/portal-link', 'accountId'],
      ['GET', '/v1/programs/kallyai/referrals/a%00b/explain', 'refereeId'],
      ['POST', '/v1/admin/rewards/a%00b/approve', 'rewardId'],
      ['GET', '/v1/admin/payout-batches/a%00b', 'batchId'],
    ])('%s %s is a 400 naming %s', async (method, path, name) => {
      const answer = await call(method, path);
      expect(answer.status).toBe(400);
      expect(answer.body.problems).toEqual([
        { path: name, rule: 'must not contain control characters (U+0000–U+001F, U+007F)' },
      ]);
    });

    it('over 200 characters is a 400 on its length', async () => {
      const answer = await call('GET', `/v1/programs/kallyai/accounts/${'a'.repeat(201)}/rewards`);
      expect(answer.status).toBe(400);
      expect(answer.body.problems).toEqual([
        { path: 'accountId', rule: 'must be 1 to 200 characters' },
      ]);
    });
  });

  it('an account id of up to 200 characters is stored and can be read back by its path', async () => {
    const accountId = `long-${'ü'.repeat(195)}`;
    const stored = await call('POST', '/v1/events', {
      id: 'long-account',
      type: 'account.signed_up',
      program: 'kallyai',
      accountId,
      occurredAt: '2026-01-02T09:00:00Z',
      data: {},
    });
    expect(stored).toEqual({ status: 202, body: { stored: 1, duplicates: 0 } });
    const path = `/v1/programs/kallyai/accounts/${encodeURIComponent(accountId)}`;
    expect((await call('GET', `${path}/rewards`)).status).toBe(200);
    const issued = await call('PUT', `${path}/referral-code`);
    expect(issued.status).toBe(200);
    expect(issued.body.accountId).toBe(accountId);
    expect(await call('PUT', `${path}/referral-code`)).toEqual(issued);
  });

  it('a lone surrogate in free text is a 400 naming the field, and nothing is stored', async () => {
    const event = (id: string, reason: string) => ({
      id,
      type: 'subscription.cancelled',
      program: 'kallyai',
      accountId: 'surrogate',
      occurredAt: '2026-01-02T09:00:00Z',
      data: { reason },
    });
    // JSON.stringify writes a lone surrogate as an escape, as a client's JSON would carry it.
    const answer = await call('POST', '/v1/events', [event('ok', 'moved'), event('bad', '\udc00')]);
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([
      { path: '[1].data.reason', rule: 'must not contain a lone surrogate' },
    ]);
    expect(await call('POST', '/v1/events', event('ok', 'moved'))).toEqual({
      status: 202,
      body: { stored: 1, duplicates: 0 },
    });
  });

  it('a payout batch due before a date that does not exist is a 400 naming it', async () => {
    const answer = await call('POST', '/v1/admin/payout-batches', { dueBefore: '2026-13-45' });
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([
      { path: 'dueBefore', rule: 'must be a date, YYYY-MM-DD, that exists' },
    ]);
  });

  it('pages: a repeated token is no link, and a code no signup could carry is held by no one', async () => {
    const portal = await api(
      harness.engine,
      'GET',
      '/portal/kallyai/a?token=x&token=y',
      undefined,
      null,
    );
    expect(portal.status).toBe(401);
    const landing = await api(harness.engine, 'GET', '/r/kallyai/A%00B', undefined, null);
    expect(landing.status).toBe(404);
  });

  it('a body that is not JSON is a 415 on a route that reads none too, after the key is checked', async () => {
    const send = (path: string, key: string) =>
      fetch(`${harness.engine.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${key}` },
        body: 'issue me a code',
      });
    const refused = await send('/v1/programs/kallyai/accounts/text-body/referral-code', ADMIN_KEY);
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const unknown = await send('/v1/programs/kallyai/accounts/text-body/referral-code', 'nope');
    expect(unknown.status).toBe(401);
    const code = await call('GET', '/v1/programs/kallyai/accounts/text-body/referral-code');
    expect(code.status).toBe(404);
  });
});
