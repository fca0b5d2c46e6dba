import { quoteIdent, quoteLiteral, SqlDatabase } from './sql-driver';

/**
 * Creates the event tables if they are missing (safe to call on every start).
 *
 * `transaction_id` (xid8) lets a reader stop below the oldest transaction
 * still in flight, as Emmett's PostgreSQL store does. That alone is not
 * enough when rows are ordered by `global_position`: a transaction that took
 * its xid early but its positions late could commit positions above those
 * of a younger transaction still in flight, and a reader would pass them.
 * `reserve_global_positions` closes that gap: it takes the transaction's xid
 * and its positions together under a short lock (released at once, not held
 * to commit), so xid order and position order agree and
 * `transaction_id < pg_snapshot_xmin(pg_current_snapshot())` never lets a
 * reader skip an event whose transaction commits late.
 */
export async function createEventStoreSchema(db: SqlDatabase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const sequence = quoteLiteral(`${s}.events_global_position_seq`);
  const positionLock = `hashtext(${quoteLiteral(`referrals-append:${schema}`)})`;
  // Concurrent start-ups would race on CREATE ... IF NOT EXISTS; one lock serializes them.
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`referrals-schema:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.streams (
      stream_id text PRIMARY KEY,
      version bigint NOT NULL
    )`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.events (
      global_position bigserial PRIMARY KEY,
      stream_id text NOT NULL,
      stream_position bigint NOT NULL,
      event_id text NOT NULL UNIQUE,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT now(),
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      UNIQUE (stream_id, stream_position)
    )`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
      subscription_id text PRIMARY KEY,
      position bigint NOT NULL
    )`);
    await tx.query(`CREATE OR REPLACE FUNCTION ${s}.reserve_global_positions(n integer)
      RETURNS bigint[] LANGUAGE plpgsql AS $fn$
      DECLARE
        positions bigint[];
      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'reserve_global_positions must come before the transaction''s first write';
        END IF;
        PERFORM pg_advisory_lock(${positionLock});
        BEGIN
          PERFORM pg_current_xact_id();
          positions := ARRAY(SELECT nextval(${sequence}) AS p FROM generate_series(1, n) ORDER BY p);
        EXCEPTION WHEN OTHERS OR query_canceled THEN
          -- A session lock outlives the transaction: never leave it behind on a pooled connection.
          PERFORM pg_advisory_unlock(${positionLock});
          RAISE;
        END;
        PERFORM pg_advisory_unlock(${positionLock});
        RETURN positions;
      END
      $fn$`);
    await tx.query(appendWritesFunction(s));
  });
}

/** The SQLSTATE append_writes raises when a write's expected version is not the stream's. */
export const WRONG_EXPECTED_VERSION = 'RE409';

/**
 * `append_writes`: a whole append in one statement, so a commit costs the
 * caller one round trip instead of one per step. Called on its own (its
 * implicit transaction commits before the answer comes back), it takes the
 * same steps sql-append.ts documents: reserve the positions first, lock the
 * streams in id order, drop ids already stored (and repeats within the call),
 * check expected versions against each stream as the earlier writes of the
 * call left it, insert, move the versions. A wrong expected version raises
 * WRONG_EXPECTED_VERSION (the first such write, in order) with a JSON detail
 * {streamId, expected, actual}, and nothing is stored.
 *
 * Input: per write its stream and expected version ('any', 'no_stream',
 * 'stream_exists' or a number as text); per event, in write order, its write's
 * number (1-based), id and type, and the payloads as two JSON arrays.
 * Answer: per write, in order, {appended, duplicateIds, streamVersion (text)}.
 */
function appendWritesFunction(s: string): string {
  return `CREATE OR REPLACE FUNCTION ${s}.append_writes(
      write_streams text[], write_expected text[], event_writes integer[],
      event_ids text[], event_types text[], event_data jsonb, event_metadata jsonb)
    RETURNS jsonb LANGUAGE plpgsql AS $fn$
    DECLARE
      positions bigint[] := '{}';
      locked_ids text[];
      locked_versions bigint[];
      answer jsonb;
      conflict jsonb;
    BEGIN
      IF cardinality(event_ids) > 0 THEN
        positions := ${s}.reserve_global_positions(cardinality(event_ids));
      END IF;
      -- Creates the missing streams and locks the others (the no-op update takes the row lock), in id order.
      WITH locked AS (
        INSERT INTO ${s}.streams AS st (stream_id, version)
        SELECT id, -1 FROM (SELECT DISTINCT unnest(write_streams) AS id) AS ids ORDER BY id
        ON CONFLICT (stream_id) DO UPDATE SET version = st.version
        RETURNING st.stream_id, st.version)
      SELECT array_agg(stream_id), array_agg(version) INTO locked_ids, locked_versions FROM locked;

      WITH given AS (
        SELECT e.k, e.w, e.event_id, e.type
        FROM unnest(event_writes, event_ids, event_types) WITH ORDINALITY AS e(w, event_id, type, k)),
      candidates AS (
        SELECT g.*,
          row_number() OVER (PARTITION BY g.event_id ORDER BY g.k) = 1
            AND NOT EXISTS (SELECT 1 FROM ${s}.events x WHERE x.event_id = g.event_id) AS fresh
        FROM given g),
      writes AS (
        SELECT w.w, w.stream_id, w.expected,
          count(e.k) FILTER (WHERE e.fresh) AS appended,
          coalesce(array_agg(e.event_id ORDER BY e.k) FILTER (WHERE NOT e.fresh), '{}') AS duplicate_ids
        FROM unnest(write_streams, write_expected) WITH ORDINALITY AS w(stream_id, expected, w)
        LEFT JOIN candidates e ON e.w = w.w
        GROUP BY w.w, w.stream_id, w.expected),
      versioned AS (
        -- A stream's version before each write: as locked, plus what earlier writes of this call appended to it.
        SELECT wr.*, l.version + coalesce(sum(wr.appended) OVER (PARTITION BY wr.stream_id ORDER BY wr.w
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::bigint AS current
        FROM writes wr JOIN unnest(locked_ids, locked_versions) AS l(stream_id, version) USING (stream_id)),
      checked AS (
        SELECT v.*, v.appended = 0 OR CASE v.expected
            WHEN 'any' THEN true
            WHEN 'no_stream' THEN v.current = -1
            WHEN 'stream_exists' THEN v.current >= 0
            ELSE v.current = v.expected::bigint END AS matches
        FROM versioned v),
      new_rows AS (
        SELECT e.k, e.event_id, e.type, c.stream_id,
          row_number() OVER (ORDER BY e.k) AS n,
          c.current + row_number() OVER (PARTITION BY e.w ORDER BY e.k) AS stream_position
        FROM candidates e JOIN checked c ON c.w = e.w
        WHERE e.fresh),
      inserted AS (
        INSERT INTO ${s}.events (global_position, stream_id, stream_position, event_id, type, data, metadata)
        SELECT positions[r.n::int], r.stream_id, r.stream_position, r.event_id, r.type,
          event_data -> (r.k::int - 1), event_metadata -> (r.k::int - 1)
        FROM new_rows r ORDER BY r.n),
      moved AS (
        UPDATE ${s}.streams AS st SET version = m.version
        FROM (SELECT stream_id, max(current + appended) AS version FROM checked
              GROUP BY stream_id HAVING sum(appended) > 0) AS m
        WHERE st.stream_id = m.stream_id)
      SELECT
        jsonb_agg(jsonb_build_object('appended', c.appended, 'duplicateIds', to_jsonb(c.duplicate_ids),
          'streamVersion', (c.current + c.appended)::text) ORDER BY c.w),
        (array_agg(jsonb_build_object('streamId', c.stream_id, 'expected', c.expected,
          'actual', c.current::text) ORDER BY c.w) FILTER (WHERE NOT c.matches))[1]
      INTO answer, conflict
      FROM checked c;

      IF conflict IS NOT NULL THEN
        RAISE EXCEPTION 'wrong expected version of stream %', conflict ->> 'streamId'
          USING ERRCODE = '${WRONG_EXPECTED_VERSION}', DETAIL = conflict::text;
      END IF;
      RETURN coalesce(answer, '[]');
    END
    $fn$`;
}
