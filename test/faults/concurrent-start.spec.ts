import { configSchema, createRuntime, Runtime } from '@referrals/runtime';
import { dropSchema } from '../support/schemas';

/**
 * Two workers starting at once on a fresh schema both create the event
 * tables, the read models and the ledger. Without the advisory lock one of
 * them failed on `pg_type_typname_nsp_index` about every other try.
 */
describe('two processes starting together on a fresh schema', () => {
  it.each([1, 2, 3, 4, 5])(
    'both come up (try %i)',
    async () => {
      const schema = `start_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const config = configSchema.parse({ EVENT_STORE: 'postgres', DATABASE_SCHEMA: schema });
      const started = await Promise.allSettled([createRuntime(config), createRuntime(config)]);
      const runtimes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'up'))).toEqual([
          'up',
          'up',
        ]);
        // Both see the same tables, and each can write.
        for (const runtime of runtimes as Runtime[]) {
          await runtime.ready();
          await runtime.store.appendToStream(`start-check:${Math.random()}`, [
            { eventId: `start-${Math.random()}`, type: 'Started', data: {} },
          ]);
        }
      } finally {
        // Closed first: a schema dropped under a runtime still at work can deadlock with it.
        for (const runtime of runtimes) await runtime.close();
        await dropSchema(config.DATABASE_URL, schema);
      }
    },
    60_000,
  );
});
