import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '../create-event-store';
import { eventStoreConfigFromEnv } from '../event-store.config';

describe('PGlite event store in a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'event-store-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its events in DATA_DIR/pglite across a close and a reopen', async () => {
    const config = eventStoreConfigFromEnv({ DATA_DIR: dataDir, DATABASE_SCHEMA: 'kept' });
    const first = await createEventStore(config);
    await first.appendToStream('account:a', [{ eventId: 'e1', type: 'T', data: { n: 1 } }]);
    await first.close();
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

    const second = await createEventStore(config);
    try {
      expect((await second.readStream('account:a')).map((e) => e.data)).toEqual([{ n: 1 }]);
      const again = await second.appendToStream('account:a', [
        { eventId: 'e1', type: 'T', data: {} },
      ]);
      expect(again).toMatchObject({ appended: 0, duplicates: 1, streamVersion: 0n });
    } finally {
      await second.close();
    }
  }, 60_000);
});
