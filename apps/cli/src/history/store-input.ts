import { Readable } from 'node:stream';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  createEventStore,
  eventStoreConfigFromEnv,
  EventStoreConfig,
  quoteIdent,
} from '@referrals/event-store';
import { accountHistory } from '@referrals/ingestion';
import { UsageError } from '../usage-error';
import type { HistoryInput } from './history-input';

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
    throw new UsageError(
      `no --input, and the event store is not configured: ${(error as Error).message}`,
    );
  }
  if (config.kind === 'memory') {
    throw new UsageError('no --input, and EVENT_STORE=memory keeps no history to replay');
  }
  return config.kind === 'postgres' ? copyFromPostgres(config) : pagesFromStore(config);
}

/**
 * One `COPY` of the account streams' payloads. CSV with delimiter and quote
 * set to control characters that jsonb text never holds raw (it escapes them
 * as \u0001 and \u0002), so every row is the event's JSON, unquoted and
 * unescaped: NDJSON as it stands.
 */
export function copyEventsSql(schema: string): string {
  return (
    `COPY (SELECT data FROM ${quoteIdent(schema)}.events WHERE stream_id LIKE 'account:%' ` +
    `ORDER BY global_position) TO STDOUT (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`
  );
}

async function copyFromPostgres(config: EventStoreConfig): Promise<HistoryInput> {
  const client = new Client({ connectionString: config.url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`event store at ${redact(config.url)}: ${(error as Error).message}`);
  }
  const schema = config.schema ?? 'referrals';
  const [{ exists }] = (
    await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
      `${quoteIdent(schema)}.events`,
    ])
  ).rows;
  if (!exists) {
    await client.end();
    throw new UsageError(
      `no --input, and schema ${schema} of ${redact(config.url)} holds no events table`,
    );
  }
  const stream = client.query(copyTo(copyEventsSql(schema)));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.end();
  };
  stream.on('error', () => void close());
  return { stream, label: `the event store (PostgreSQL, schema ${schema})`, close };
}

async function pagesFromStore(config: EventStoreConfig): Promise<HistoryInput> {
  const store = await createEventStore(config);
  async function* lines() {
    for await (const { event } of accountHistory(store, { batchSize: 10_000 }))
      yield `${JSON.stringify(event)}\n`;
  }
  return {
    stream: Readable.from(lines()),
    label: `the event store (${config.kind})`,
    close: () => store.close(),
  };
}

/** A connection string without its password, for messages. */
const redact = (url = '') => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
