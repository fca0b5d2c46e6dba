import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { openStores, quoteIdent } from '@referrals/event-store';
import { EventIngestor, REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { ReferralProcessManager } from '@referrals/process-manager';
import { createReadModelSchema, ReadModelQueries, ReadModelWriter } from '@referrals/projections';

export const HOUR = 3_600_000;
export const NOW = Date.parse('2026-11-22T00:00:00Z');
export const programs = ProgramRegistry.withBuiltins();

export const history = (name: string): BillingEvent[] =>
  readFileSync(join(__dirname, '..', '..', 'examples', 'histories', `${name}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as BillingEvent);

/** What the pure engine decides from the history in time order, the clock at NOW. */
export function replayed(events: readonly BillingEvent[]): ReferralEngine {
  const engine = new ReferralEngine(programs);
  const ordered = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  for (const e of ordered) engine.apply(e);
  engine.advanceTo(NOW);
  return engine;
}

/**
 * A process manager's world on the machine's PostgreSQL, in a schema of its
 * own (dropped by close()): the store, the read models, an ingestor, and
 * managers made on demand, all on one controllable clock.
 */
export async function pmWorld(url = 'postgres://postgres@127.0.0.1:5432/postgres') {
  const schema = `faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const { store, sql } = await openStores({ kind: 'postgres', url, schema, pollIntervalMs: 20 });
  await createReadModelSchema(sql, schema);
  let clock = NOW;
  const errors: unknown[] = [];
  const readModel = new ReadModelWriter(sql, schema);
  const managers: ReferralProcessManager[] = [];
  return {
    schema,
    store,
    sql,
    errors,
    readModel,
    queries: new ReadModelQueries(sql, schema),
    ingestor: new EventIngestor(store, programs, () => new Date(clock)),
    advance: (ms: number) => (clock += ms),
    manager(program: string, windowMs = HOUR) {
      const manager = new ReferralProcessManager({
        program,
        store,
        programs,
        readModel,
        clock: () => clock,
        reorderWindowMs: windowMs,
        tickMs: 10_000,
        retryDelayMs: 20,
        onError: (error) => errors.push(error),
      });
      managers.push(manager);
      return manager;
    },
    /** Every decision stored, by type. */
    async decisions() {
      const events = [];
      for (let after = -1n; ;) {
        const batch = await store.readAll({
          after,
          maxCount: 5000,
          streamPrefixes: [REFERRAL_STREAM_PREFIX],
        });
        if (batch.length === 0) return events;
        events.push(...batch);
        after = batch[batch.length - 1].globalPosition;
      }
    },
    async close() {
      for (const m of managers) await m.stop();
      await sql.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await store.close();
      await sql.close();
    },
  };
}

export type PmWorld = Awaited<ReturnType<typeof pmWorld>>;
