import { createEventStore } from './create-event-store';
import {
  eventStoreConfigFromEnv,
  pgliteLocation,
  SQL_SCHEMA_NAME,
  StoreSettingsError,
} from './event-store.config';
import { InMemoryEventStore } from './in-memory-event-store';

describe('event store configuration from the environment', () => {
  it('defaults to PGlite under ./data', () => {
    expect(eventStoreConfigFromEnv({})).toEqual({
      kind: 'pglite',
      dataDir: './data',
      url: 'postgres://postgres@127.0.0.1:5432/postgres',
      schema: 'referrals',
      connectionString: undefined,
    });
    expect(pgliteLocation('./data')).toBe('data/pglite');
    expect(pgliteLocation('memory://')).toBe('memory://');
  });

  it('reads every variable', () => {
    expect(
      eventStoreConfigFromEnv({
        EVENT_STORE: 'eventstoredb',
        DATA_DIR: '/var/lib/referrals',
        DATABASE_URL: 'postgres://db/referrals',
        DATABASE_SCHEMA: 'live',
        EVENTSTORE_CONNECTION_STRING: 'esdb://esdb:2113?tls=false',
      }),
    ).toEqual({
      kind: 'eventstoredb',
      dataDir: '/var/lib/referrals',
      url: 'postgres://db/referrals',
      schema: 'live',
      connectionString: 'esdb://esdb:2113?tls=false',
    });
  });

  it('refuses an unknown store, and EventStoreDB without a connection string', () => {
    expect(() => eventStoreConfigFromEnv({ EVENT_STORE: 'mongo' })).toThrow(
      'EVENT_STORE: must be one of pglite, postgres, eventstoredb, memory (got "mongo")',
    );
    expect(() => eventStoreConfigFromEnv({ EVENT_STORE: 'eventstoredb' })).toThrow(
      'EVENTSTORE_CONNECTION_STRING: is needed with EVENT_STORE=eventstoredb',
    );
  });

  it.each(['Bad-X', '1bad', 'a;drop', ''])(
    'refuses a DATABASE_SCHEMA of %j, as the API does',
    (schema) => {
      expect(() => eventStoreConfigFromEnv({ DATABASE_SCHEMA: schema })).toThrow(
        new StoreSettingsError([`DATABASE_SCHEMA: ${SQL_SCHEMA_NAME.rule}`]),
      );
    },
  );

  it('names every setting that breaks its rule at once', () => {
    expect(() =>
      eventStoreConfigFromEnv({ EVENT_STORE: 'eventstoredb', DATABASE_SCHEMA: 'X' }),
    ).toThrow(
      'EVENTSTORE_CONNECTION_STRING: is needed with EVENT_STORE=eventstoredb; DATABASE_SCHEMA: must be',
    );
  });

  it('opens the in-memory store without any database', async () => {
    const store = await createEventStore(eventStoreConfigFromEnv({ EVENT_STORE: 'memory' }));
    expect(store).toBeInstanceOf(InMemoryEventStore);
    await store.close();
  });
});
