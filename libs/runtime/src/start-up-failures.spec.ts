import { createServer } from 'node:net';
import {
  convertToCommandError,
  EventStoreDBClient,
  jsonEvent,
  UnavailableError,
} from '@eventstore/db-client';
import { isEventStoreDbUnavailable, startUpCanWait } from './start-up-failures';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('startUpCanWait', () => {
  it('waits through an unreachable store and lost races of the schema steps', () => {
    expect(startUpCanWait(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(
      true,
    );
    expect(startUpCanWait(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(startUpCanWait(pgError('57P03', 'the database system is starting up'))).toBe(true);
    expect(startUpCanWait(pgError('40P01', 'deadlock detected'))).toBe(true);
    expect(startUpCanWait(pgError('40001', 'could not serialize access'))).toBe(true);
    expect(startUpCanWait(pgError('55P03', 'could not obtain lock'))).toBe(true);
  });

  it('does not wait for what waiting cannot fix', () => {
    expect(startUpCanWait(pgError('28000', 'role "nobody" does not exist'))).toBe(false);
    expect(startUpCanWait(pgError('28P01', 'password authentication failed'))).toBe(false);
    expect(startUpCanWait(pgError('3D000', 'database "nope" does not exist'))).toBe(false);
    expect(
      startUpCanWait(new Error('the data folder ./data/pglite is in use by another process')),
    ).toBe(false);
  });
});

/** A port nobody listens on: the client's connection is refused there, as with a server not started yet. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What the client throws, caught (the errors below are the client's own, from its calls). */
async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

/** A gRPC status as @grpc/grpc-js hands it to the client (a ServiceError), for what needs a server to happen. */
const serviceError = (code: number, details: string, exception?: Record<string, string>) =>
  Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: { getMap: () => ({ ...exception }) },
  });

describe('startUpCanWait with EventStoreDB (errors of @eventstore/db-client 6)', () => {
  let client: EventStoreDBClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('waits while no EventStoreDB listens: a read fails UNAVAILABLE, converted to UnavailableError', async () => {
    client = EventStoreDBClient.connectionString(
      `esdb://127.0.0.1:${await closedPort()}?tls=false`,
    );
    const refused = await thrownBy(async () => {
      for await (const event of client!.readAll({ maxCount: 1 })) void event;
    });
    expect(refused).toBeInstanceOf(UnavailableError);
    expect(refused).toMatchObject({ type: 'unavailable', code: 14 });
    expect(startUpCanWait(refused)).toBe(true);
    // Wrapped by whoever opened the store, it is the same outage.
    expect(startUpCanWait(new Error('opening the store', { cause: refused }))).toBe(true);
  });

  it('waits while no EventStoreDB listens: an append fails with the raw gRPC status', async () => {
    client = EventStoreDBClient.connectionString(
      `esdb://127.0.0.1:${await closedPort()}?tls=false`,
    );
    const refused = await thrownBy(() =>
      client!.appendToStream('start-up-probe', jsonEvent({ type: 'probe', data: {} })),
    );
    // Not converted by the client: a plain Error carrying grpc's code and details.
    expect(refused).not.toBeInstanceOf(UnavailableError);
    expect(refused).toMatchObject({ code: 14, details: expect.stringContaining('ECONNREFUSED') });
    expect(startUpCanWait(refused)).toBe(true);
  });

  it('waits while a cluster has no node to discover', async () => {
    client = EventStoreDBClient.connectionString(
      `esdb+discover://127.0.0.1:${await closedPort()}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10`,
    );
    const none = await thrownBy(async () => {
      for await (const event of client!.readAll({ maxCount: 1 })) void event;
    });
    expect((none as Error).message).toBe('Failed to discover after 1 attempts.');
    expect(startUpCanWait(none)).toBe(true);
  });

  it('waits through a deadline, a server timeout, a cancelled call and a node that is not the leader', () => {
    const passing = [
      convertToCommandError(serviceError(4, 'Deadline exceeded')),
      convertToCommandError(serviceError(10, 'Operation timed out')),
      convertToCommandError(serviceError(1, 'Call cancelled by the server')),
      convertToCommandError(
        serviceError(5, 'Leader info available', {
          exception: 'not-leader',
          'leader-endpoint-host': '10.0.0.2',
          'leader-endpoint-port': '2113',
        }),
      ),
    ];
    expect(passing.map((e) => (e as { type?: string }).type)).toEqual([
      'deadline-exceeded',
      'timeout',
      'cancelled',
      'not-leader',
    ]);
    for (const error of passing) expect(isEventStoreDbUnavailable(error)).toBe(true);
  });

  it('does not wait for what waiting cannot fix: access denied, a bad connection string, an unknown failure', () => {
    const denied = convertToCommandError(serviceError(16, 'Access denied'));
    expect(denied).toMatchObject({ type: 'access-denied' });
    expect(startUpCanWait(denied)).toBe(false);
    const unknown = convertToCommandError(serviceError(13, 'Internal error'));
    expect(unknown).toMatchObject({ type: 'unknown' });
    expect(startUpCanWait(unknown)).toBe(false);
    // A cancelled call the client did not convert is its own cancelling (dispose).
    expect(startUpCanWait(serviceError(1, 'Cancelled on client'))).toBe(false);
    const badString = (() => {
      try {
        EventStoreDBClient.connectionString('esdb:/127.0.0.1:2113');
      } catch (error) {
        return error;
      }
    })();
    expect(badString).toBeInstanceOf(Error);
    expect(startUpCanWait(badString)).toBe(false);
  });
});
