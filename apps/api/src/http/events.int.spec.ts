import {
  ADMIN_KEY,
  api,
  KALLYAI_KEY,
  startTestEngine,
  untilIdle,
} from '../../../../test/support/engine-harness';

const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  type: 'account.signed_up',
  program: 'kallyai',
  accountId: `acct-${id}`,
  occurredAt: '2026-01-02T09:00:00Z',
  data: {},
  ...overrides,
});

describe('POST /v1/events', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine({ BODY_LIMIT_BYTES: '65536' });
  }, 60_000);
  afterAll(() => harness?.stop());
  const post = (body: unknown, key: string | null = ADMIN_KEY) =>
    api(harness.engine, 'POST', '/v1/events', body, key);
  const storedIn = async (accountId: string) =>
    harness.engine.runtime.store.readStream(`account:kallyai:${accountId}`);

  describe('when an event is valid', () => {
    it('stores it once, and a second delivery is a duplicate', async () => {
      expect(await post(event('once'))).toEqual({
        status: 202,
        body: { stored: 1, duplicates: 0 },
      });
      expect(await post(event('once'))).toEqual({
        status: 202,
        body: { stored: 0, duplicates: 1 },
      });
      expect(await storedIn('acct-once')).toHaveLength(1);
    });
  });

  describe('when a batch holds one bad event', () => {
    it('answers 400 naming every problem by path, and stores nothing of the batch', async () => {
      const batch = [
        event('good-1'),
        event('bad-1', {
          type: 'payment.succeeded',
          data: { invoiceId: 'i', amount: '45.00', currency: 'USD', extra: 1 },
        }),
        event('good-2'),
      ];
      const answer = await post(batch);
      expect(answer.status).toBe(400);
      expect(answer.body.problems).toEqual(
        expect.arrayContaining([
          { path: '[1].data.amount', rule: expect.stringContaining('integer') },
          { path: '[1].data.extra', rule: 'unknown key' },
        ]),
      );
      expect(await storedIn('acct-good-1')).toHaveLength(0);
      expect(await storedIn('acct-good-2')).toHaveLength(0);
    });

    it('rejects an unknown program and a plan outside the catalog by name', async () => {
      const answer = await post([
        event('p1', { program: 'nosuch' }),
        event('p2', { type: 'subscription.activated', data: { plan: 'gold' } }),
      ]);
      expect(answer.status).toBe(400);
      expect(answer.body.problems.map((p: { path: string }) => p.path)).toEqual([
        '[0].program',
        '[1].data.plan',
      ]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      expect((await post('{"id": ')).status).toBe(400);
    });
  });

  describe('when a code is already held by another account', () => {
    it('answers 409 and stores nothing of the batch', async () => {
      const claim = (id: string, accountId: string) =>
        event(id, { type: 'referral_code.assigned', accountId, data: { code: 'TAKEN-CODE' } });
      expect((await post(claim('c1', 'holder'))).status).toBe(202);
      const answer = await post([event('c-other'), claim('c2', 'someone-else')]);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        type: 'urn:referrals:problem:code-conflict',
        status: 409,
        detail: 'nothing was stored',
      });
      expect(answer.body.problems[0].path).toBe('[1].data.code');
      expect(await storedIn('acct-c-other')).toHaveLength(0);
      // The holder assigning its own code again is fine.
      expect((await post(claim('c3', 'holder'))).status).toBe(202);
    });
  });

  describe('auth', () => {
    it('answers 401 without a valid key', async () => {
      expect((await post(event('a1'), null)).status).toBe(401);
      expect((await post(event('a1'), 'wrong')).status).toBe(401);
    });

    it("answers 403 when a program key posts or reads another program's data", async () => {
      expect((await post(event('a2', { program: 'callrail' }), KALLYAI_KEY)).status).toBe(403);
      expect(
        (
          await api(
            harness.engine,
            'GET',
            '/v1/programs/callrail/accounts/x/referrals',
            undefined,
            KALLYAI_KEY,
          )
        ).status,
      ).toBe(403);
      expect((await post(event('a3'), KALLYAI_KEY)).status).toBe(202);
    });
  });

  it('answers 413 for a body over the limit', async () => {
    const big = Array.from({ length: 600 }, (_, i) =>
      event(`big-${i}`, { data: { name: 'x'.repeat(150) } }),
    );
    expect((await post(big)).status).toBe(413);
  });

  describe('the referral code endpoint', () => {
    it('issues a code once and returns the same code and link again', async () => {
      const first = await api(
        harness.engine,
        'PUT',
        '/v1/programs/kallyai/accounts/coder/referral-code',
      );
      expect(first.status).toBe(200);
      expect(first.body.code).toMatch(/^[A-Z0-9][A-Z0-9-]{3,31}$/);
      expect(first.body.shareLink).toContain(first.body.code);
      const again = await api(
        harness.engine,
        'PUT',
        '/v1/programs/kallyai/accounts/coder/referral-code',
      );
      expect(again.body).toEqual(first.body);
      expect(
        (await api(harness.engine, 'GET', '/v1/programs/kallyai/accounts/coder/referral-code'))
          .body,
      ).toEqual(first.body);
    });

    it('attributes a signup with the issued code to the account', async () => {
      const alice = 'code-referrer';
      await post([
        event('r1', { accountId: alice, data: {} }),
        event('r2', {
          accountId: alice,
          type: 'subscription.activated',
          occurredAt: '2026-01-02T09:01:00Z',
          data: { plan: 'pro' },
        }),
      ]);
      const { body } = await api(
        harness.engine,
        'PUT',
        `/v1/programs/kallyai/accounts/${alice}/referral-code`,
      );
      await post(
        event('r3', {
          accountId: 'code-referee',
          occurredAt: new Date().toISOString(),
          data: { referralCode: body.code },
        }),
      );
      await untilIdle(harness.engine);
      const view = await api(
        harness.engine,
        'GET',
        `/v1/programs/kallyai/accounts/${alice}/referrals`,
      );
      expect(view.body.referrals).toEqual([
        expect.objectContaining({ refereeAccountId: 'code-referee', status: 'pending' }),
      ]);
    });
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await api(harness.engine, 'GET', '/health/live', undefined, null)).status).toBe(200);
    expect((await api(harness.engine, 'GET', '/health/ready', undefined, null)).status).toBe(200);
    const docs = await api(harness.engine, 'GET', '/docs/json', undefined, null);
    expect(docs.body.components.schemas.BillingEvent).toBeDefined();
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/programs/{program}/accounts/{accountId}/balance',
        '/v1/admin/rewards/{rewardId}/approve',
        '/v1/admin/rewards/{rewardId}/void',
        '/v1/admin/payout-batches',
        '/v1/admin/payout-batches/{batchId}.csv',
        '/v1/admin/payout-batches/{batchId}/confirm',
        '/v1/admin/payout-batches/{batchId}/cancel',
        '/v1/admin/deliveries/dead',
        '/v1/admin/deliveries/{deliveryId}/retry',
        '/v1/admin/metrics',
      ]),
    );
    const batch = docs.body.paths['/v1/admin/payout-batches'].post.requestBody;
    expect(batch.content['application/json'].schema.properties.dueBefore.pattern).toBeDefined();
  });
});
