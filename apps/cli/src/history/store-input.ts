import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  createEventStore,
  eventStoreConfigFromEnv,
  EventStoreConfig,
  pgliteLocation,
  quoteIdent,
  StoreSettingsError,
} from '@referrals/event-store';
import { accountHistory } from '@referrals/ingestion';
import { UsageError } from '../usage-error';
import { copyStream, HistoryInput } from './history-input';

/**
 * The configured event store's billing facts as NDJSON, in store (arrival)
 * order, so a replay of the store reads exactly as a replay of a file.
 * PostgreSQL streams the events table with `COPY ... TO STDOUT`; the other
 * stores are read page by page through the store port.
 */
export async function openStoreInput(env: NodeJS.ProcessEnv): Promise<HistoryInput> {
  let config: EventStoreConfig;
  try {
    config = eventStoreConfigFromEnv(env);
  } catch (error) {
    // As every command that opens a store names a setting it refuses (see main).
    if (error instanceof StoreSettingsError) throw new UsageError(`settings: ${error.message}`);
    throw error;
  }
  if (config.kind === 'memory') {
    throw new UsageError('no --input, and EVENT_STORE=memory keeps no history to replay');
  }
  // Opening PGlite where it has no database would make one: a replay only reads.
  if (config.kind === 'pglite' && !existsSync(pgliteLocation(config.dataDir))) {
    throw new UsageError(
      `no --input, and DATA_DIR ${config.dataDir} holds no PGlite database (no ${pgliteLocation(config.dataDir)})`,
    );
  }
  return config.kind === 'postgres' ? copyFromPostgres(config) : pagesFromStore(config);
}

/**
 * A `COPY` of the account streams' payloads between two global positions
 * (`after` excluded, `upTo` included). CSV with delimiter and quote set to
 * control characters that jsonb text never holds raw (it escapes them as
 * \u0001 and \u0002), so every row is the event's JSON, unquoted and
 * unescaped: NDJSON as it stands.
 */
export function copyEventsSql(schema: string, after = '-1', upTo?: string): string {
  const range = `global_position > ${BigInt(after)}${upTo === undefined ? '' : ` AND global_position <= ${BigInt(upTo)}`}`;
  return (
    `COPY (SELECT data FROM ${quoteIdent(schema)}.events WHERE stream_id LIKE 'account:%' AND ${range} ` +
    `ORDER BY global_position) TO STDOUT (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`
  );
}

/**
 * Two `COPY`s on two connections, the older half of the positions and the
 * newer, in one snapshot (the first exports it, the second imports it, as
 * pg_dump's parallel jobs do): PostgreSQL turns jsonb into text on two
 * backends at once, and the replay still sees one consistent history in
 * store order.
 */
async function copyFromPostgres(config: EventStoreConfig): Promise<HistoryInput> {
  const schema = config.schema ?? 'referrals';
  const clients = [
    new Client({ connectionString: config.url }),
    new Client({ connectionString: config.url }),
  ];
  const close = () =>
    Promise.all(clients.map((c) => c.end().catch(() => undefined))).then(() => undefined);
  try {
    await Promise.all(clients.map((c) => c.connect()));
  } catch (error) {
    await close();
    throw new Error(`event store at ${redact(config.url)}: ${(error as Error).message}`);
  }
  const [lead, helper] = clients;
  try {
    const [{ exists }] = (
      await lead.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
        `${quoteIdent(schema)}.events`,
      ])
    ).rows;
    if (!exists) {
      throw new UsageError(
        `no --input, and schema ${schema} of ${redact(config.url)} holds no events table`,
      );
    }
    await lead.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (
      await lead.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
    ).rows;
    await helper.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await helper.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    const [{ first, last }] = (
      await lead.query<{ first: string | null; last: string | null }>(
        `SELECT min(global_position)::text AS first, max(global_position)::text AS last FROM ${quoteIdent(schema)}.events`,
      )
    ).rows;
    const middle =
      first === null || last === null ? '-1' : ((BigInt(first) + BigInt(last)) / 2n).toString();
    return {
      label: `the event store (PostgreSQL, schema ${schema})`,
      async writeTo(path: string) {
        const rest = `${path}.newer`;
        await Promise.all([
          pipeline(
            lead.query(copyTo(copyEventsSql(schema, '-1', middle))),
            createWriteStream(path),
          ),
          pipeline(helper.query(copyTo(copyEventsSql(schema, middle))), createWriteStream(rest)),
        ]);
        await pipeline(createReadStream(rest), createWriteStream(path, { flags: 'a' }));
        await rm(rest);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function pagesFromStore(config: EventStoreConfig): Promise<HistoryInput> {
  const store = await createEventStore(config);
  async function* lines() {
    for await (const { event } of accountHistory(store, { batchSize: 10_000 }))
      yield `${JSON.stringify(event)}\n`;
  }
  return {
    writeTo: copyStream(Readable.from(lines())),
    label: `the event store (${config.kind})`,
    close: () => store.close(),
  };
}

/** A connection string without its password, for messages. */
const redact = (url = '') => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
