import {
  api,
  inTimeOrder,
  KALLYAI_KEY,
  readEvents,
  startTestEngine,
  untilIdle,
  exampleHistory,
} from '../support/engine-harness';
import { webhookReceiver } from '../support/webhook-receiver';

const HISTORY = exampleHistory('smithai-third-month-cash');

describe('cash needs an admin', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  let cashId: string;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  beforeAll(async () => {
    hook = await webhookReceiver();
    harness = await startTestEngine({
      WEBHOOKS: JSON.stringify({ smithai: { url: hook.url, secret: 'whsec_cash_0123456789' } }),
    });
    expect(
      (await api(harness.engine, 'POST', '/v1/events', inTimeOrder(readEvents(HISTORY)))).status,
    ).toBe(202);
    await untilIdle(harness.engine);
    const { body } = await api(harness.engine, 'GET', '/v1/programs/smithai/accounts/firm/rewards');
    expect(body.rewards).toEqual([
      expect.objectContaining({ kind: 'cash', amount: 100000, status: 'awaiting_approval' }),
    ]);
    cashId = body.rewards[0].rewardId;
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    await hook?.close();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    api(harness.engine, method, path, body);
  const balanceOfFirm = async () =>
    (await admin('GET', '/v1/programs/smithai/accounts/firm/balance')).body.balances;

  it('owes the cash until it is paid out', async () => {
    expect(await balanceOfFirm()).toEqual([{ kind: 'cash', unit: 'USD', amount: 100000 }]);
  });

  it('keeps approval to the admin key', async () => {
    const asProgram = await api(
      harness.engine,
      'POST',
      `/v1/admin/rewards/${cashId}/approve`,
      undefined,
      KALLYAI_KEY,
    );
    expect(asProgram.status).toBe(403);
  });

  it('approves, exports in a batch, and marks paid when the batch is confirmed', async () => {
    const approved = await admin('POST', `/v1/admin/rewards/${cashId}/approve`);
    expect(approved.body).toMatchObject({ rewardId: cashId, status: 'approved' });
    expect((await admin('POST', `/v1/admin/rewards/${cashId}/void`)).status).toBe(409);

    // Nothing due that early: no batch.
    const early = await admin('POST', '/v1/admin/payout-batches', { dueBefore: '2026-04-20' });
    expect(early).toMatchObject({
      status: 200,
      body: { batchId: null, status: 'none', rewardIds: [], csv: '' },
    });
    expect((await admin('POST', '/v1/admin/payout-batches', { dueBefore: 'soon' })).status).toBe(
      400,
    );
    const opened = await admin('POST', '/v1/admin/payout-batches', {});
    expect(opened.status).toBe(201);
    const { batchId } = opened.body;
    expect(opened.body).toMatchObject({ status: 'open', rewardIds: [cashId] });
    const line = `${cashId},smithai,firm,100000,USD,1000.00,2026-04-21,2026-04-01T00:00:00.000Z`;
    expect(opened.body.csv.split('\n')[1]).toBe(line);
    const csv = await (
      await fetch(`${harness.engine.url}/v1/admin/payout-batches/${batchId}.csv`, {
        headers: { authorization: 'Bearer test-admin-key' },
      })
    ).text();
    expect(csv.split('\n')[1]).toBe(line);
    // In an open batch, the cash is exported no more.
    expect((await admin('POST', '/v1/admin/payout-batches', {})).body.batchId).toBeNull();

    const confirmed = await admin('POST', `/v1/admin/payout-batches/${batchId}/confirm`);
    expect(confirmed.body).toMatchObject({ batchId, status: 'confirmed' });
    expect((await admin('POST', `/v1/admin/payout-batches/${batchId}/confirm`)).status).toBe(200);
    expect((await admin('POST', `/v1/admin/payout-batches/${batchId}/cancel`)).status).toBe(409);
    expect((await admin('POST', '/v1/admin/payout-batches/pb_nothing/confirm')).status).toBe(404);
    const { body } = await admin('GET', '/v1/programs/smithai/accounts/firm/rewards');
    expect(body.rewards[0]).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect(await balanceOfFirm()).toEqual([{ kind: 'cash', unit: 'USD', amount: 0 }]);

    // Upstream hears of the cash once it is paid out, as of any paid reward.
    await hook.awaitCount(2);
    expect(hook.received.map((r) => JSON.parse(r.body))).toContainEqual(
      expect.objectContaining({
        id: `reward.paid-${cashId}`,
        type: 'reward.paid',
        data: expect.objectContaining({ kind: 'cash', status: 'paid' }),
      }),
    );

    const trail = await harness.engine.runtime.store.readStream(`reward:${cashId}`);
    expect(trail.map((e) => e.type)).toEqual([
      'RewardAwaitingApproval',
      'RewardApproved',
      'RewardExported',
      'CashPaidOut',
    ]);
    // Who acted is the admin key's name.
    expect(trail[1].data).toMatchObject({ by: 'admin' });
    expect(trail[3].data).toMatchObject({ by: 'admin', batchId });
  });
});
