import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DELIVERY_QUEUE, Deliveries, DeliveryRetries } from './deliveries';
import { deliveryJobHandler, WebhookEndpoint, WebhookSender } from './webhook-sender';
import { SIGNATURE_HEADER, verifySignature } from './webhook-signature';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver on loopback that answers each request with the next status in line. */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 200 && !(await check()); i++)
    await new Promise((resolve) => setTimeout(resolve, 25));
};

describe('signed webhook deliveries (real Redis, real HTTP receiver)', () => {
  let redis: IORedis;
  beforeAll(() => {
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  afterAll(() => redis.quit());

  /** The deliveries queue and a plain BullMQ worker running the processor's handler. */
  const deliveriesTo = (endpoints: Record<string, WebhookEndpoint>, retries: DeliveryRetries) => {
    const prefix = `deliveries-${randomUUID()}`;
    const queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
    const worker = new Worker(DELIVERY_QUEUE, deliveryJobHandler(new WebhookSender(endpoints)), {
      connection: redis,
      prefix,
    });
    return {
      deliveries: new Deliveries(queue, endpoints, retries),
      close: async () => {
        await worker.close();
        await queue.obliterate({ force: true });
        await queue.close();
      },
    };
  };

  const delivery = {
    deliveryId: 'reward.paid-rw_1',
    program: 'callrail',
    type: 'reward.paid' as const,
    data: { rewardId: 'rw_1', amount: 5000, unit: 'USD' },
  };

  it('signs each delivery, retries a failing endpoint, and keeps the idempotency key', async () => {
    const hook = await receiver([500, 503]);
    const { deliveries, close } = deliveriesTo(
      { callrail: { url: hook.url, secret: 'whsec_test' } },
      { backoffMs: 20 },
    );
    await deliveries.enqueue([delivery, { ...delivery, program: 'kallyai' }]); // kallyai has no endpoint
    await until(() => hook.received.length >= 3);
    await close();
    await hook.close();

    expect(hook.received).toHaveLength(3);
    for (const { headers, body } of hook.received) {
      expect(headers['idempotency-key']).toBe('reward.paid-rw_1');
      const signature = headers[SIGNATURE_HEADER] as string;
      expect(verifySignature(signature, 'whsec_test', body, Math.floor(Date.now() / 1000))).toBe(
        true,
      );
      expect(
        verifySignature(signature, 'another-secret', body, Math.floor(Date.now() / 1000)),
      ).toBe(false);
      expect(
        verifySignature(signature, 'whsec_test', body + ' ', Math.floor(Date.now() / 1000)),
      ).toBe(false);
    }
    expect(JSON.parse(hook.received[0].body)).toEqual({
      id: 'reward.paid-rw_1',
      type: 'reward.paid',
      program: 'callrail',
      data: delivery.data,
    });
  });

  it('keeps a delivery that used up its attempts as a dead letter an admin can retry', async () => {
    const hook = await receiver([500, 500]);
    const { deliveries, close } = deliveriesTo(
      { callrail: { url: hook.url, secret: 'whsec_test' } },
      { attempts: 2, backoffMs: 10 },
    );
    await deliveries.enqueue([delivery]);
    await until(async () => (await deliveries.dead()).length === 1);
    expect(await deliveries.dead()).toEqual([
      expect.objectContaining({ deliveryId: 'reward.paid-rw_1', attempts: 2 }),
    ]);

    expect(await deliveries.retry('reward.paid-rw_1')).toBe(true);
    await until(async () => (await deliveries.counts()).completed === 1);
    expect(await deliveries.dead()).toEqual([]);
    expect(hook.received).toHaveLength(3);
    expect(await deliveries.retry('nothing-like-it')).toBe(false);
    await close();
    await hook.close();
  });

  it('sends again a delivery that failed by stalling (its worker died mid-send), not one its receiver refused', async () => {
    const hook = await receiver([500]);
    const prefix = `deliveries-${randomUUID()}`;
    const endpoints = { callrail: { url: hook.url, secret: 'whsec_test' } };
    const queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
    const deliveries = new Deliveries(queue, endpoints, { attempts: 1 });
    // A worker takes the delivery and dies with it: nothing renews its lock any more.
    const dying = new Worker(DELIVERY_QUEUE, () => new Promise(() => {}), {
      connection: redis,
      prefix,
      lockDuration: 300,
      // Its own stalled check holds the queue's check for this long: short, so the next one runs soon.
      stalledInterval: 100,
    });
    await deliveries.enqueue([delivery]);
    await until(async () => (await queue.getJobState(delivery.deliveryId)) === 'active');
    await dying.close(true);
    // The next worker finds it stalled once more than allowed: failed, by BullMQ's own check.
    const next = new Worker(DELIVERY_QUEUE, deliveryJobHandler(new WebhookSender(endpoints)), {
      connection: redis,
      prefix,
      lockDuration: 300,
      stalledInterval: 100,
      maxStalledCount: 0,
    });
    try {
      await until(async () => (await queue.getJobState(delivery.deliveryId)) === 'failed');
      expect((await queue.getJob(delivery.deliveryId))?.failedReason).toMatch(/stalled/);
      expect(hook.received).toHaveLength(0);

      expect(await deliveries.retryIfStalled(delivery.deliveryId)).toBe(true);
      // The receiver answers 500 the first time: with one attempt, a dead letter by its answer.
      await until(async () => (await deliveries.dead()).length === 1 && hook.received.length === 1);
      expect(hook.received).toHaveLength(1);
      expect(await deliveries.retryIfStalled(delivery.deliveryId)).toBe(false);
      expect(await deliveries.retryIfStalled('nothing-like-it')).toBe(false);
    } finally {
      await next.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await hook.close();
    }
  });

  it('refuses a stale signature (a replayed request)', () => {
    expect(verifySignature('t=100,v1=00', 's', '{}', 100 + 301)).toBe(false);
  });
});
