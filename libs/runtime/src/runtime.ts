import { ProgramRegistry } from '@referrals/domain';
import { EventStore, openStores } from '@referrals/event-store';
import { EventIngestor } from '@referrals/ingestion';
import {
  createReadModelSchema,
  ReadModelQueries,
  ProjectionRunner,
  ReadModelWriter,
  SqlDatabase,
} from '@referrals/projections';
import {
  CashApprovals,
  createLedgerSchema,
  PayoutBatches,
  RewardLifecycleProjection,
  RewardPayout,
  WebhookOutboxProjection,
} from '@referrals/rewards';
import type { AppConfig } from './config';
import { migrate } from './migrations';
import { PublicUrls } from './public-urls';
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
  /** Approved cash exported, confirmed or cancelled by batch. */
  readonly batches: PayoutBatches;
  /** Reward views and the ledger, folded from the referral and reward streams. */
  readonly lifecycle: ProjectionRunner;
  /** The webhooks upstream is owed, folded from the reward streams. */
  readonly outbox: ProjectionRunner;
  /** Where share and portal links point. */
  readonly urls: PublicUrls;
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
  // Under the schema's advisory lock: workers starting together on a fresh schema all come up.
  await migrate(sql, config.DATABASE_SCHEMA, [createReadModelSchema, createLedgerSchema]);
  const urls = new PublicUrls(config);
  const schema = config.DATABASE_SCHEMA;
  const lifecycle = new ProjectionRunner(sql, schema, store, new RewardLifecycleProjection(schema));
  const outbox = new ProjectionRunner(sql, schema, store, new WebhookOutboxProjection(schema));
  const ingestor = new EventIngestor(store, programs, () => new Date(), config.MAX_CLOCK_SKEW);
  return {
    programs,
    store,
    db: sql,
    schema: config.DATABASE_SCHEMA,
    ingestor,
    queries: new ReadModelQueries(sql, config.DATABASE_SCHEMA),
    readModel: new ReadModelWriter(sql, config.DATABASE_SCHEMA),
    payout: new RewardPayout(sql, schema, store, lifecycle),
    cash: new CashApprovals(sql, schema, store, lifecycle),
    batches: new PayoutBatches(sql, schema, store, lifecycle),
    lifecycle,
    outbox,
    urls,
    codes: new ReferralCodes(store, ingestor, () => urls.shareLinkBase()),
    ready: async () => {
      await store.readStream('health-check', { maxCount: 1 });
    },
    close: async () => {
      await store.close();
      await sql.close();
    },
  };
}
