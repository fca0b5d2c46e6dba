import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry, ReferralEngine } from '@referrals/domain';
import { openStores } from '@referrals/event-store';
import { EventIngestor, REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { createReadModelSchema, ReadModelQueries, ReadModelWriter } from '@referrals/projections';
import { ReferralProcessManager } from './referral-process-manager';

const HISTORIES = join(__dirname, '..', '..', '..', 'examples', 'histories');
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-22T00:00:00Z');

const history = (name: string): BillingEvent[] =>
  readFileSync(join(HISTORIES, `${name}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as BillingEvent)
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));

/** Swaps neighbours less than `within` apart in event time: disorder the window absorbs. */
const shuffleWithin = (events: BillingEvent[], within: number) => {
  const out = [...events];
  for (let i = 0; i + 1 < out.length; i += 2) {
    if (Date.parse(out[i + 1].occurredAt) - Date.parse(out[i].occurredAt) < within) {
      [out[i], out[i + 1]] = [out[i + 1], out[i]];
    }
  }
  return out;
};

const replayed = (events: BillingEvent[], programs: ProgramRegistry) => {
  const engine = new ReferralEngine(programs);
  for (const e of events) engine.apply(e);
  engine.advanceTo(NOW);
  return engine;
};

describe('the referral process manager', () => {
  const programs = ProgramRegistry.withBuiltins();
  let stores: Awaited<ReturnType<typeof openStores>>;
  let schema = 0;

  beforeAll(async () => {
    stores = await openStores({ kind: 'pglite', dataDir: 'memory://', schema: 'pm_base' });
  }, 60_000);
  afterAll(async () => {
    await stores?.store.close();
    await stores?.sql.close();
  });

  async function setUp() {
    const name = `pm_${++schema}`;
    const { store, sql } = await openStores({ kind: 'pglite', shared: stores.sql, schema: name });
    await createReadModelSchema(sql, name);
    let clock = NOW;
    const readModel = new ReadModelWriter(sql, name);
    const manager = (program: string) =>
      new ReferralProcessManager({
        program,
        store,
        programs,
        readModel,
        clock: () => clock,
        reorderWindowMs: HOUR,
        tickMs: 10_000,
      });
    return {
      store,
      readModel,
      queries: new ReadModelQueries(sql, name),
      ingestor: new EventIngestor(store, programs, () => new Date(clock)),
      manager,
      advance: (ms: number) => (clock += ms),
    };
  }

  describe('when events arrive shuffled within the reordering window', () => {
    it.each(['kallyai-bonus-minutes', 'callrail-four-invoices', 'smithai-third-month-cash'])(
      'decides %s as if they had come in order',
      async (name) => {
        const world = await setUp();
        const pm = world.manager(name.split('-')[0]);
        await pm.start();
        const events = history(name);
        for (const event of shuffleWithin(events, HOUR)) {
          expect((await world.ingestor.ingest(event)).status).toBe('accepted');
        }
        await pm.settle();
        world.advance(HOUR); // everything has waited a window; the programs are quiet
        await pm.settle();
        await pm.stop();

        const expected = replayed(events, programs);
        for (const view of expected.referralViews()) {
          const live = await world.queries.referralsOf(view.program, view.referrerAccountId);
          expect(live).toContainEqual(view);
        }
        for (const reward of expected.rewardViews()) {
          const live = await world.queries.rewardsOf(reward.program, reward.beneficiaryAccountId);
          expect(live).toContainEqual(reward);
        }
      },
      30_000,
    );
  });

  describe('when it restarts', () => {
    it('resumes from its checkpoint without losing or doubling a decision', async () => {
      const world = await setUp();
      const events = history('kallyai-bonus-minutes');
      const first = world.manager('kallyai');
      await first.start();
      for (const event of events.slice(0, 5)) await world.ingestor.ingest(event);
      await first.settle();
      world.advance(HOUR);
      await first.settle();
      await first.stop();
      const decisionsBefore = (
        await world.store.readAll({ streamPrefixes: [REFERRAL_STREAM_PREFIX] })
      ).length;
      expect(decisionsBefore).toBeGreaterThan(0);

      const second = world.manager('kallyai');
      await second.start();
      await second.settle();
      expect((await world.store.readAll({ streamPrefixes: [REFERRAL_STREAM_PREFIX] })).length).toBe(
        decisionsBefore,
      );
      for (const event of events.slice(5)) await world.ingestor.ingest(event);
      await second.settle();
      world.advance(HOUR);
      await second.settle();
      await second.stop();

      const expected = replayed(events, programs);
      const live = await world.queries.rewardsOf('kallyai', 'alice');
      expect(live).toEqual(
        expect.arrayContaining(
          expected.rewardViews().filter((r) => r.beneficiaryAccountId === 'alice'),
        ),
      );
      const decisions = await world.store.readAll({ streamPrefixes: [REFERRAL_STREAM_PREFIX] });
      const earned = decisions.filter((e) => e.type === 'RewardEarned');
      expect(earned).toHaveLength(expected.rewardViews().length);
    }, 30_000);
  });
});
