import { createServer, Socket } from 'node:net';
import { freePort, PrivateRedis } from '../../../test/support/private-redis';
import {
  type AwaitedRedis,
  closeRedis,
  connectRedis,
  cutRedisIfDown,
  openRedis,
  RedisAuthError,
} from './redis';

/** "At once": far below a reconnection's pause (750 ms) or forever, with room for a loaded CI. */
const AT_ONCE_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** openRedis, keeping each line it says and each refusal it reports to onRefused. */
function openRedisRecording(url: string, what: string) {
  const lines: string[] = [];
  const refusals: Error[] = [];
  const awaited = openRedis(
    url,
    what,
    (line) => lines.push(line),
    (e) => refusals.push(e),
  );
  return { awaited, lines, refusals };
}

/**
 * Sends a command to Redis, which stops answering and then dies: the command is in flight at
 * the drop. (Wrapped in an object: an async function returning the promise would wait on it.)
 */
async function sendAsRedisGoes(redis: PrivateRedis, client: AwaitedRedis['client']) {
  redis.freeze();
  const inFlight = client.get('a-key');
  await sleep(50);
  await redis.down();
  return { inFlight };
}

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
    expect(Date.now() - started).toBeLessThan(AT_ONCE_MS);
    const said = lines.length;
    await sleep(1_000); // past the next attempt's pause (750 ms)
    expect(lines).toHaveLength(said);
  });
});

describe('refused credentials (a configuration error, not an outage)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => (redis = await PrivateRedis.start(undefined, { password: 'secret' })));
  afterAll(() => redis.down());

  it('openRedis: tells onRefused once, says no waiting line, stops trying, and fails what waited', async () => {
    const { awaited, lines, refusals } = openRedisRecording(redis.urlWith('wrong'), 'Redis');
    const queued = awaited.client.get('a-key');
    for (let i = 0; i < 50 && refusals.length === 0; i++) await sleep(20);
    await expect(queued).rejects.toThrow();
    await sleep(500); // past the next attempt's pause (250 ms), had it tried again
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(RedisAuthError);
    expect(refusals[0].message).toBe(
      `REDIS_URL: Redis at redis://:***@127.0.0.1:${redis.port} refused the credentials (WRONGPASS invalid username-password pair or user is disabled.); set the user and password it expects in REDIS_URL`,
    );
    expect(lines).toEqual([]);
    expect(awaited.client.status).toBe('end');
    expect(awaited.state()).toBe(refusals[0].message);
  });

  it('connectRedis: fails as a RedisAuthError (the worker does not wait on it); an outage does not', async () => {
    await expect(connectRedis(redis.urlWith(undefined))).rejects.toThrow(
      /^REDIS_URL: Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials \(NOAUTH /,
    );
    await expect(connectRedis(redis.urlWith('wrong'))).rejects.toBeInstanceOf(RedisAuthError);
    const down = connectRedis(`redis://:wrong@127.0.0.1:${await freePort()}`);
    await expect(down).rejects.not.toBeInstanceOf(RedisAuthError);
    await expect(down).rejects.toThrow(/^no Redis answers at redis:\/\/:\*\*\*@127/);
    const client = await connectRedis(redis.url);
    expect(await client.ping()).toBe('PONG');
    await closeRedis(client);
  });
});

describe('credentials refused after the client connected (the password rotated)', () => {
  let redis: PrivateRedis;
  beforeEach(async () => (redis = await PrivateRedis.start(undefined, { password: 'old' })));
  afterEach(() => redis.down());

  it('openRedis: one line for all the refused attempts, refusal() names them, it keeps trying; one line once accepted again', async () => {
    const { awaited, lines, refusals } = openRedisRecording(redis.url, 'Redis here');
    try {
      expect(await awaited.client.ping()).toBe('PONG');
      expect(awaited.refusal()).toBeUndefined();
      const before = await redis.refusedAuths('old');

      await redis.rotatePassword('old', 'new');
      for (let i = 0; i < 100 && lines.length === 0; i++) await sleep(20);
      await sleep(1_500); // attempts 200, 400 and 600 ms apart, all refused
      expect((await redis.refusedAuths('new')) - before).toBeGreaterThanOrEqual(3);
      expect(lines).toEqual([
        `REDIS_URL: Redis at redis://:***@127.0.0.1:${redis.port} refused the credentials (WRONGPASS invalid username-password pair or user is disabled.); set the user and password it expects in REDIS_URL; trying again meanwhile, not ready until then`,
      ]);
      expect(awaited.refusal()).toBe(
        'credentials refused: WRONGPASS invalid username-password pair or user is disabled.',
      );
      // Not the start-up's refusal: the API is not stopped, and the client keeps trying.
      expect(refusals).toEqual([]);
      expect(awaited.client.status).not.toBe('end');

      await redis.command('new', 'CONFIG', 'SET', 'requirepass', 'old');
      expect(await awaited.client.ping()).toBe('PONG');
      expect(awaited.refusal()).toBeUndefined();
      expect(lines.slice(1)).toEqual(['Redis here answers again: it accepts the credentials']);
    } finally {
      awaited.client.disconnect();
    }
  });

  it('connectRedis: tells onRefusedLater once, as a RedisAuthError', async () => {
    const refusals: Error[] = [];
    const client = await connectRedis(redis.url, (error) => refusals.push(error));
    try {
      await redis.rotatePassword('old', 'new');
      for (let i = 0; i < 100 && refusals.length === 0; i++) await sleep(20);
      await sleep(1_000); // further attempts, refused as well
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toBeInstanceOf(RedisAuthError);
      expect(refusals[0].message).toMatch(
        /^REDIS_URL: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials \(WRONGPASS /,
      );
    } finally {
      client.disconnect();
    }
  });
});

describe('cutRedisIfDown (stopping while Redis is down)', () => {
  it('ends a client that lost its Redis: commands waiting for a reconnection fail at once, and it tries no more', async () => {
    const redis = await PrivateRedis.start();
    const lines: string[] = [];
    const awaited = openRedis(redis.url, 'Redis', (line) => lines.push(line));
    try {
      expect(await awaited.client.ping()).toBe('PONG');
      const { inFlight } = await sendAsRedisGoes(redis, awaited.client);
      for (let i = 0; i < 50 && awaited.client.status !== 'reconnecting'; i++) await sleep(20);
      expect(awaited.client.status).toBe('reconnecting');
      // Queued for a reconnection that would never come (maxRetriesPerRequest is null).
      const queued = awaited.client.get('another-key');
      const started = Date.now();
      cutRedisIfDown(awaited.client);
      await expect(queued).rejects.toThrow('Connection is closed.');
      await expect(inFlight).rejects.toThrow('Connection is closed.');
      await expect(awaited.client.ping()).rejects.toThrow('Connection is closed.');
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS);
      expect(awaited.client.status).toBe('end');
      // The cut client is closed by closeRedis at once too (no QUIT waiting for Redis).
      await closeRedis(awaited.client);
    } finally {
      awaited.client.disconnect();
      await redis.down();
    }
  });

  it('fails a command in flight at the drop once a reconnection reached a server that does not answer (a proxy with no Redis behind)', async () => {
    const redis = await PrivateRedis.start();
    const awaited = openRedis(redis.url, 'Redis', () => undefined);
    const mute = createServer((socket) => sockets.push(socket));
    const sockets: Socket[] = [];
    try {
      expect(await awaited.client.ping()).toBe('PONG');
      const { inFlight } = await sendAsRedisGoes(redis, awaited.client);
      // Accepts and never answers: ioredis connects, starts a new command queue, and waits.
      await new Promise<void>((resolve) => mute.listen(redis.port, '127.0.0.1', resolve));
      for (let i = 0; i < 100 && awaited.client.status !== 'connect'; i++) await sleep(20);
      expect(awaited.client.status).toBe('connect');
      const started = Date.now();
      cutRedisIfDown(awaited.client);
      await expect(inFlight).rejects.toThrow('Connection is closed.');
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS);
    } finally {
      awaited.client.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
      await redis.down();
    }
  });

  it('ends a client that never connected, failing what waits on it', async () => {
    const awaited = openRedis(`redis://127.0.0.1:${await freePort()}`, 'Redis', () => undefined);
    const queued = awaited.client.get('a-key');
    await sleep(400); // past the first failed attempt: waiting for the next one
    cutRedisIfDown(awaited.client);
    await expect(queued).rejects.toThrow('Connection is closed.');
    expect(awaited.client.status).toBe('end');
  });

  it('leaves a connected client alone (closeRedis then quits it, replies flushed)', async () => {
    const redis = await PrivateRedis.start();
    const awaited = openRedis(redis.url, 'Redis', () => undefined);
    try {
      expect(await awaited.client.ping()).toBe('PONG');
      cutRedisIfDown(awaited.client);
      expect(awaited.client.status).toBe('ready');
      expect(await awaited.client.ping()).toBe('PONG');
      await closeRedis(awaited.client);
    } finally {
      awaited.client.disconnect();
      await redis.down();
    }
  });
});
