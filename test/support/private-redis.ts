import { ChildProcess, spawn } from 'node:child_process';
import { createServer, AddressInfo } from 'node:net';
import IORedis from 'ioredis';

/** A TCP port nobody listens on now (127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A Redis of the test's own, on a free port, keeping nothing on disk: a fault
 * test may stop it, or restart it empty (Redis losing everything), without
 * touching the machine's shared Redis.
 */
export class PrivateRedis {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly password?: string,
  ) {}

  /** `password`: the server requires it (`--requirepass`); `url` carries it. */
  static async start(port?: number, options: { password?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(port ?? (await freePort()), options.password);
    await redis.up();
    return redis;
  }

  get url(): string {
    return this.urlWith(this.password);
  }

  /** Its URL with another password (none, or a wrong one). */
  urlWith(password?: string): string {
    const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it answers. */
  async up(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        ...(this.password === undefined ? [] : ['--requirepass', this.password]),
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const client = new IORedis(this.url, { lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`redis-server did not come up on port ${this.port}`);
  }

  /** One command on a connection of its own, authenticated with `password` (the server's current one). */
  async command(password: string | undefined, name: string, ...args: string[]): Promise<unknown> {
    const admin = new IORedis(this.urlWith(password), {
      lazyConnect: true,
      retryStrategy: () => null,
    });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      return await admin.call(name, ...args);
    } finally {
      admin.disconnect();
    }
  }

  /** Everything deleted while the server and every client's connection stay up (FLUSHALL). */
  async flushAll(): Promise<void> {
    await this.command(this.password, 'FLUSHALL');
  }

  /**
   * The password rotated while clients run: it requires `to` instead of `from`, and drops every
   * client's connection, so that theirs reconnect with the credentials they have (or fail).
   */
  async rotatePassword(from: string, to: string): Promise<void> {
    await this.command(from, 'CONFIG', 'SET', 'requirepass', to);
    await this.command(to, 'CLIENT', 'KILL', 'TYPE', 'normal');
  }

  /** How many AUTHs (HELLO … AUTH included) it refused so far: its ACL LOG's `auth` entries. */
  async refusedAuths(password: string): Promise<number> {
    const entries = (await this.command(password, 'ACL', 'LOG')) as unknown[][];
    return entries
      .map((flat) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]]))))
      .filter((entry) => entry.reason === 'auth')
      .reduce((sum, entry) => sum + Number(entry.count), 0);
  }

  /** Stops the server answering (SIGSTOP), its connections open: commands sent meanwhile stay in flight. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Kills the server (its data goes with it). */
  async down(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Down and up again, empty. */
  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }
}
