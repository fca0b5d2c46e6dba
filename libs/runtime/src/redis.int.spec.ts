import { freePort, PrivateRedis } from '../../../test/support/private-redis';
import { closeRedis, openRedis } from './redis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('openRedis (the API connecting to a Redis that is not up yet)', () => {
  it('says one line per failed attempt, holds commands meanwhile, and says when Redis answers', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const awaited = openRedis(`redis://127.0.0.1:${port}`, 'Redis here', (line) =>
      lines.push(line),
    );
    // BullMQ duplicates the client (for its workers); a duplicate must not say lines of its own.
    const duplicate = awaited.client.duplicate();
    duplicate.on('error', () => undefined);
    let redis: PrivateRedis | undefined;
    try {
      const pong = awaited.client.ping();
      for (let i = 0; i < 50 && lines.length < 3; i++) await sleep(100);
      expect(lines.slice(0, 3)).toEqual([
        `waiting for Redis here: attempt 1 failed: connect ECONNREFUSED 127.0.0.1:${port}; next in 250 ms`,
        `waiting for Redis here: attempt 2 failed: connect ECONNREFUSED 127.0.0.1:${port}; next in 500 ms`,
        `waiting for Redis here: attempt 3 failed: connect ECONNREFUSED 127.0.0.1:${port}; next in 750 ms`,
      ]);
      expect(awaited.state()).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);

      redis = await PrivateRedis.start(port);
      // The command issued while Redis was away went through once it answered.
      expect(await pong).toBe('PONG');
      expect(awaited.state()).toBe('ok');
      const attempts = lines.length - 1;
      expect(lines.at(-1)).toBe(`Redis here answers, after ${attempts} failed attempts`);
      // Attempts counted once, in order: 1, 2, … (none said twice by the duplicate).
      expect(lines.slice(0, -1).map((line) => Number(/attempt (\d+)/.exec(line)?.[1]))).toEqual(
        Array.from({ length: attempts }, (_, i) => i + 1),
      );

      // A later drop is reconnected silently (readiness says it), and commands wait for the return.
      await redis.restart();
      expect(await awaited.client.ping()).toBe('PONG');
      expect(lines).toHaveLength(attempts + 1);
    } finally {
      duplicate.disconnect();
      await closeRedis(awaited.client);
      await redis?.down();
    }
  });

  it('closes a client that never connected at once, and it tries no more (QUIT would wait for a Redis)', async () => {
    const lines: string[] = [];
    const awaited = openRedis(`redis://127.0.0.1:${await freePort()}`, 'Redis', (line) =>
      lines.push(line),
    );
    for (let i = 0; i < 50 && lines.length < 2; i++) await sleep(50);
    const started = Date.now();
    await closeRedis(awaited.client);
    expect(Date.now() - started).toBeLessThan(100);
    const said = lines.length;
    await sleep(1_000); // past the next attempt's pause (750 ms)
    expect(lines).toHaveLength(said);
  });
});
