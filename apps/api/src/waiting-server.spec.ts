import { createServer } from 'node:net';
import { WaitingServer } from './waiting-server';

describe('WaitingServer (the port while the store is awaited)', () => {
  let waiting: WaitingServer;
  let base: string;
  beforeEach(async () => {
    waiting = await WaitingServer.listen('127.0.0.1', 0);
    base = `http://127.0.0.1:${waiting.port}`;
  });
  afterEach(() => waiting.close());

  it('is alive', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/health/live`, { method: 'HEAD' })).status).toBe(200);
  });

  it('is not ready, naming why the store is not open, as a problem with Retry-After', async () => {
    waiting.storeFailed('connect ECONNREFUSED 127.0.0.1:5432');
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(await ready.json()).toEqual({
      type: 'urn:referrals:problem:not-ready',
      title: 'Not ready',
      status: 503,
      detail: 'event store: connect ECONNREFUSED 127.0.0.1:5432',
      store: 'connect ECONNREFUSED 127.0.0.1:5432',
      redis: 'ok',
      programs: [],
    });
  });

  it('names Redis too when it is not up either, as it stands at each request', async () => {
    await waiting.close();
    let redis = 'connect ECONNREFUSED 127.0.0.1:6379';
    waiting = await WaitingServer.listen('127.0.0.1', 0, () => redis);
    base = `http://127.0.0.1:${waiting.port}`;
    waiting.storeFailed('connect ECONNREFUSED 127.0.0.1:5432');
    expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({
      detail:
        'event store: connect ECONNREFUSED 127.0.0.1:5432; redis: connect ECONNREFUSED 127.0.0.1:6379',
      store: 'connect ECONNREFUSED 127.0.0.1:5432',
      redis: 'connect ECONNREFUSED 127.0.0.1:6379',
    });
    redis = 'ok';
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      detail: 'event store: connect ECONNREFUSED 127.0.0.1:5432',
      redis: 'ok',
    });
  });

  it('answers every other request, a posted body included, 503 store-unavailable with Retry-After', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/events', JSON.stringify({ id: 'e1', padding: 'x'.repeat(200_000) })],
      ['GET', '/v1/programs/callrail/accounts/a/referrals', undefined],
      ['GET', '/nowhere?x=1', undefined],
    ] as const) {
      const answer = await fetch(`${base}${path}`, {
        method,
        body,
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      expect({ path, status: answer.status }).toEqual({ path, status: 503 });
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(await answer.json()).toMatchObject({
        type: 'urn:referrals:problem:store-unavailable',
        status: 503,
      });
    }
  });

  it('frees its port when closed, for the engine to listen on', async () => {
    const port = waiting.port;
    await fetch(`${base}/health/live`); // a connection open at the close
    await waiting.close();
    const engine = createServer();
    await new Promise<void>((resolve, reject) => {
      engine.once('error', reject);
      engine.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => engine.close(resolve));
    waiting = await WaitingServer.listen('127.0.0.1', 0); // for afterEach
  });
});
