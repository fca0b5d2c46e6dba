import {
  AppendResult,
  EventToAppend,
  StreamWrite,
  WrongExpectedVersionError,
} from '../event-store.port';
import { versionMatches } from '../expected-version';
import type { SqlClient } from './sql-driver';

/** The columns of the new events, one array each, for a single `unnest()` insert. */
interface NewRows {
  globalPositions: string[];
  streamIds: string[];
  streamPositions: string[];
  eventIds: string[];
  types: string[];
  data: string[];
  metadata: string[];
}

/**
 * Appends several writes inside the caller's transaction, in a fixed number
 * of statements however many events: reserve global positions (this must be
 * the transaction's first write, see `reserve_global_positions`), lock the
 * streams in id order (so concurrent batches cannot deadlock), find ids
 * already stored, check expected versions, insert, move the versions.
 * Throws WrongExpectedVersionError, and the caller's transaction rolls back.
 */
export async function appendInTransaction(
  tx: SqlClient,
  quotedSchema: string,
  writes: readonly StreamWrite[],
): Promise<AppendResult[]> {
  const total = writes.reduce((n, w) => n + w.events.length, 0);
  const reserved = total > 0 ? await reservePositions(tx, quotedSchema, total) : [];
  const versions = await lockStreams(tx, quotedSchema, [...new Set(writes.map((w) => w.streamId))]);
  const known = await storedIds(
    tx,
    quotedSchema,
    writes.flatMap((w) => w.events.map((e) => e.eventId)),
  );
  const rows: NewRows = {
    globalPositions: [],
    streamIds: [],
    streamPositions: [],
    eventIds: [],
    types: [],
    data: [],
    metadata: [],
  };
  const results = writes.map((write): AppendResult => {
    const current = versions.get(write.streamId) as bigint;
    const fresh: EventToAppend[] = [];
    const duplicateIds: string[] = [];
    for (const event of write.events) {
      if (known.has(event.eventId)) duplicateIds.push(event.eventId);
      else {
        known.add(event.eventId);
        fresh.push(event);
      }
    }
    // A retry of an append that already went through is a no-op, whatever the version now.
    if (fresh.length === 0) {
      return { appended: 0, duplicates: duplicateIds.length, duplicateIds, streamVersion: current };
    }
    const expected = write.expectedVersion ?? 'any';
    if (!versionMatches(expected, current)) {
      throw new WrongExpectedVersionError(write.streamId, expected, current);
    }
    fresh.forEach((event, i) => {
      rows.globalPositions.push(reserved[rows.eventIds.length]);
      rows.streamIds.push(write.streamId);
      rows.streamPositions.push((current + 1n + BigInt(i)).toString());
      rows.eventIds.push(event.eventId);
      rows.types.push(event.type);
      rows.data.push(JSON.stringify(event.data ?? null));
      rows.metadata.push(JSON.stringify(event.metadata ?? {}));
    });
    const streamVersion = current + BigInt(fresh.length);
    versions.set(write.streamId, streamVersion);
    return { appended: fresh.length, duplicates: duplicateIds.length, duplicateIds, streamVersion };
  });
  if (rows.eventIds.length > 0) await insertRows(tx, quotedSchema, rows, versions);
  return results;
}

async function reservePositions(
  tx: SqlClient,
  quotedSchema: string,
  count: number,
): Promise<string[]> {
  const [row] = await tx.query<{ positions: string[] }>(
    `SELECT ${quotedSchema}.reserve_global_positions($1)::text[] AS positions`,
    [count],
  );
  return row.positions;
}

async function lockStreams(
  tx: SqlClient,
  quotedSchema: string,
  streamIds: string[],
): Promise<Map<string, bigint>> {
  const ids = [...streamIds].sort();
  // One statement creates the missing streams and locks the existing ones (the no-op
  // update takes the row lock), returning every version: in id order, so no deadlock.
  const rows = await tx.query<{ stream_id: string; version: string }>(
    `INSERT INTO ${quotedSchema}.streams AS s (stream_id, version)
     SELECT id, -1 FROM unnest($1::text[]) AS x(id) ORDER BY id
     ON CONFLICT (stream_id) DO UPDATE SET version = s.version
     RETURNING stream_id, version::text AS version`,
    [ids],
  );
  return new Map(rows.map((r) => [r.stream_id, BigInt(r.version)]));
}

async function storedIds(
  tx: SqlClient,
  quotedSchema: string,
  eventIds: string[],
): Promise<Set<string>> {
  const rows = await tx.query<{ event_id: string }>(
    `SELECT event_id FROM ${quotedSchema}.events WHERE event_id = ANY($1::text[])`,
    [eventIds],
  );
  return new Set(rows.map((r) => r.event_id));
}

/** One multi-row insert (1,000 events are one statement) and one update of the versions. */
async function insertRows(
  tx: SqlClient,
  quotedSchema: string,
  rows: NewRows,
  versions: Map<string, bigint>,
): Promise<void> {
  // The payloads travel as one JSON array each (native JSON, not an escaped text[]).
  await tx.query(
    `INSERT INTO ${quotedSchema}.events
       (global_position, stream_id, stream_position, event_id, type, data, metadata)
     SELECT u.global_position, u.stream_id, u.stream_position, u.event_id, u.type, d.value, m.value
     FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[])
            WITH ORDINALITY AS u(global_position, stream_id, stream_position, event_id, type, n)
     JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS d(value, n) USING (n)
     JOIN jsonb_array_elements($7::jsonb) WITH ORDINALITY AS m(value, n) USING (n)`,
    [
      rows.globalPositions,
      rows.streamIds,
      rows.streamPositions,
      rows.eventIds,
      rows.types,
      `[${rows.data.join(',')}]`,
      `[${rows.metadata.join(',')}]`,
    ],
  );
  const streamIds = [...versions.keys()];
  await tx.query(
    `UPDATE ${quotedSchema}.streams AS s SET version = v.version
     FROM unnest($1::text[], $2::bigint[]) AS v(stream_id, version)
     WHERE s.stream_id = v.stream_id AND s.version <> v.version`,
    [streamIds, streamIds.map((id) => (versions.get(id) as bigint).toString())],
  );
}
