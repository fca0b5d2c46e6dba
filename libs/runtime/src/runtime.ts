import { ProgramRegistry } from '@referrals/domain';
import { EventStore, openStores } from '@referrals/event-store';
import { EventIngestor } from '@referrals/ingestion';
import {
  createReadModelSchema,
  ReadModelQueries,
  ReadModelWriter,
  SqlDatabase,
} from '@referrals/projections';
import { CashApprovals, createLedgerSchema, RewardPayout } from '@referrals/rewards';
import type { AppConfig } from './config';
import { ReferralCodes } from './referral-codes';

/** The engine's parts, built once from configuration and shared by the API and the worker. */
export interface Runtime {
  readonly programs: ProgramRegistry;
  readonly store: EventStore;
  readonly db: SqlDatabase;
  readonly schema: string;
  readonly ingestor: EventIngestor;
  readonly queries: ReadModelQueries;
  readonly readModel: ReadModelWriter;
  readonly codes: ReferralCodes;
  /** Pays rewards into the ledger; also answers balances. */
  readonly payout: RewardPayout;
  readonly cash: CashApprovals;
  ready(): Promise<void>;
  close(): Promise<void>;
}

export async function createRuntime(
  config: AppConfig,
  programs = ProgramRegistry.withBuiltins(),
): Promise<Runtime> {
  // The read models live in SQL beside the events (PGlite or PostgreSQL), also when the events live in EventStoreDB.
  const { store, sql } = await openStores({
    kind: config.EVENT_STORE,
    dataDir: config.DATA_DIR,
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    connectionString: config.EVENTSTORE_CONNECTION_STRING,
  });
  await createReadModelSchema(sql, config.DATABASE_SCHEMA);
  await createLedgerSchema(sql, config.DATABASE_SCHEMA);
  const ingestor = new EventIngestor(store, programs);
  return {
    programs,
    store,
    db: sql,
    schema: config.DATABASE_SCHEMA,
    ingestor,
    queries: new ReadModelQueries(sql, config.DATABASE_SCHEMA),
    readModel: new ReadModelWriter(sql, config.DATABASE_SCHEMA),
    payout: new RewardPayout(sql, config.DATABASE_SCHEMA, store),
    cash: new CashApprovals(sql, config.DATABASE_SCHEMA, store),
    codes: new ReferralCodes(store, ingestor, config.SHARE_LINK_BASE_URL),
    ready: async () => {
      await store.readStream('health-check', { maxCount: 1 });
    },
    close: async () => {
      await store.close();
      await sql.close();
    },
  };
}
