import {
  ADMIN_KEY,
  api,
  exampleHistory,
  inTimeOrder,
  KALLYAI_KEY,
  onPostgres,
  readEvents,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';
import { webhookReceiver } from '../support/webhook-receiver';

/** What an operator looks at: Prometheus /metrics and Bull Board at /admin/queues, both behind the admin key. */
jest.setTimeout(90_000);
let harness: Awaited<ReturnType<typeof startTestEngine>>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
const events = inTimeOrder(readEvents(exampleHistory('kallyai-bonus-minutes')));

beforeAll(async () => {
  receiver = await webhookReceiver();
  harness = await startTestEngine({
    ...onPostgres(),
    WEBHOOKS: JSON.stringify({
      kallyai: { url: receiver.url, secret: 'operators-webhook-secret' },
    }),
  });
  expect((await api(harness.engine, 'POST', '/v1/events', events)).status).toBe(202);
  await untilIdle(harness.engine);
  // Up to a minute: on a busy machine (the whole suite at once) paying takes a while.
  for (let i = 0; i < 600; i++) {
    const { body } = await api(
      harness.engine,
      'GET',
      '/v1/programs/kallyai/accounts/alice/rewards',
    );
    if (
      body.rewards.length > 0 &&
      body.rewards.every((r: { status: string }) => r.status === 'paid')
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 12 && receiver.received.length < 2; i++) await receiver.awaitCount(2);
}, 180_000);

afterAll(async () => {
  await harness?.stop();
  await receiver?.close();
});

const get = (path: string, authorization?: string) =>
  fetch(`${harness.engine.url}${path}`, {
    headers: authorization ? { authorization } : {},
  });

const basic = (key: string) => `Basic ${Buffer.from(`operator:${key}`).toString('base64')}`;

/** The value of one sample line of the exposition format. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(/ (?=[^ ]+$)/);
    const labelText = series.slice(name.length);
    if (labelText !== '' && !labelText.startsWith('{')) continue;
    if (wanted.every((w) => labelText.includes(w))) return Number(value);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('answers only the admin key', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', `Bearer ${KALLYAI_KEY}`)).status).toBe(401);
    expect((await get('/metrics', 'Bearer wrong')).status).toBe(401);
  });

  it('counts events by program and type, rewards paid by kind, queue depths, latencies and the deciders', async () => {
    const answer = await get('/metrics', `Bearer ${ADMIN_KEY}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    const text = await answer.text();
    const signups = events.filter((e) => e.type === 'account.signed_up').length;
    expect(
      sample(text, 'referrals_events_accepted_total', {
        program: 'kallyai',
        type: 'account.signed_up',
      }),
    ).toBe(signups);
    // Every KallyAI reward is bonus minutes, paid at once: the summary's figures, as paid.
    const { body: summary } = await api(harness.engine, 'GET', '/v1/programs/kallyai/summary');
    const [minutes] = summary.rewards.earned;
    expect(minutes).toMatchObject({ kind: 'bonus_minutes', unit: 'minutes' });
    expect(minutes.count).toBeGreaterThan(0);
    expect(
      sample(text, 'referrals_rewards_paid', { program: 'kallyai', kind: 'bonus_minutes' }),
    ).toBe(minutes.count);
    expect(
      sample(text, 'referrals_rewards_paid_amount', {
        program: 'kallyai',
        kind: 'bonus_minutes',
        unit: 'minutes',
      }),
    ).toBe(minutes.amount);
    expect(sample(text, 'referrals_payout_latency_seconds_count')).toBeGreaterThanOrEqual(
      minutes.count,
    );
    expect(
      sample(text, 'referrals_webhook_latency_seconds_count', { outcome: 'delivered' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'referrals_queue_jobs', { queue: 'payouts', state: 'waiting' })).toBe(0);
    expect(
      sample(text, 'referrals_queue_jobs', { queue: 'timers', state: 'delayed' }),
    ).toBeDefined();
    // This process leads every program: each has a reordering window, empty once idle.
    for (const program of ['kallyai', 'callrail', 'smithai']) {
      expect(sample(text, 'referrals_reorder_window_events', { program })).toBe(0);
      expect(sample(text, 'referrals_decision_lag_seconds', { program })).toBe(0);
    }
    expect(sample(text, 'referrals_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('/admin/queues (Bull Board)', () => {
  it('asks a browser for the admin key and refuses a program key', async () => {
    const none = await get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await get('/admin/queues', basic(KALLYAI_KEY))).status).toBe(401);
    expect((await get('/admin/queues/api/queues', `Bearer ${KALLYAI_KEY}`)).status).toBe(401);
  });

  it('shows the board, with no asset from outside, and its API lists the three queues', async () => {
    const page = await get('/admin/queues', basic(ADMIN_KEY));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Referral queues');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(css|js)|fonts\.googleapis/);
    const assets = [...html.matchAll(/(?:href|src)="(static\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets)
      expect((await get(`/admin/queues/${asset}`, basic(ADMIN_KEY))).status).toBe(200);
    const queues = await get('/admin/queues/api/queues', `Bearer ${ADMIN_KEY}`);
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map(
      (q) => q.name,
    );
    expect(names.sort()).toEqual(['deliveries', 'payouts', 'timers']);
  });

  it('answers another method on its paths 405 with Allow, as every route does', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const answer = await fetch(`${harness.engine.url}${path}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, HEAD');
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('takes an action of the board with no body, as its page sends them', async () => {
    const retried = await fetch(
      `${harness.engine.url}/admin/queues/api/queues/payouts/retry/failed`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      },
    );
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ retried: 0, skipped: 0 });
  });

  it.each([
    ['text/plain', 'retry them', 415, 'urn:referrals:problem:unsupported-media-type'],
    ['application/json', '{bad', 400, 'urn:referrals:problem:invalid-json'],
  ])(
    'answers a body it cannot take (%s) as every route does, after the key',
    async (type, body, status, problemType) => {
      const action = `${harness.engine.url}/admin/queues/api/queues/payouts/retry/failed`;
      const send = (headers: Record<string, string>) =>
        fetch(action, { method: 'PUT', headers: { 'content-type': type, ...headers }, body });
      const refused = await send({ authorization: `Bearer ${ADMIN_KEY}` });
      expect(refused.status).toBe(status);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await refused.json()).toMatchObject({ type: problemType, status });
      expect((await send({})).status).toBe(401);
    },
  );
});
