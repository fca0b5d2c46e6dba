import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { CheckTimers, TIMER_QUEUE } from './check-timers';

describe('check timers on BullMQ (real Redis)', () => {
  let redis: IORedis;
  let timers: CheckTimers;
  let queue: Queue;
  let prefix: string;
  beforeAll(() => {
    redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    prefix = `timers-${randomUUID()}`;
    queue = new Queue(TIMER_QUEUE, { connection: redis, prefix });
    timers = new CheckTimers(queue);
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  afterAll(() => redis.quit());

  it('wakes the process manager once the check is due, not before, once per timer', async () => {
    // Far enough ahead that a busy machine is still setting up when it comes due.
    const dueAt = new Date(Date.now() + 1_000).toISOString();
    await timers.schedule([{ timerId: 'tm_a', dueAt }]);
    await timers.schedule([{ timerId: 'tm_a', dueAt }]); // the same timer again: one job
    expect(await timers.raw.getJobCountByTypes('delayed')).toBe(1);

    const wakes: number[] = [];
    const worker = new Worker(TIMER_QUEUE, async () => void wakes.push(Date.now()), {
      connection: redis,
      prefix,
    });
    for (let i = 0; i < 200 && wakes.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    // A second job, were there one, would run by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await worker.close();
    expect(wakes).toHaveLength(1);
    // Not before: the wake came once the check was due (the clock is read when the job runs).
    expect(wakes[0]).toBeGreaterThanOrEqual(Date.parse(dueAt) - 5);
  });

  it('runs a check already due at once', async () => {
    await timers.schedule([{ timerId: 'tm_past', dueAt: '2026-04-01T00:00:00Z' }]);
    expect(await timers.raw.getJobCountByTypes('delayed')).toBe(0);
    expect(await timers.raw.getJobCountByTypes('waiting')).toBe(1);
  });
});
