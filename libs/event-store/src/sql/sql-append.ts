import {
  AppendResult,
  ExpectedVersion,
  StreamWrite,
  WrongExpectedVersionError,
} from '../event-store.port';
import { WRONG_EXPECTED_VERSION } from './event-store.schema';
import { SqlClient, sqlState } from './sql-driver';

interface AppendAnswer {
  appended: number;
  duplicateIds: string[];
  streamVersion: string;
}

/**
 * Appends several writes, all or nothing, in one statement: the schema's
 * `append_writes` function reserves global positions (first, see
 * `reserve_global_positions`), locks the streams in id order (so concurrent
 * batches cannot deadlock), drops ids already stored, checks expected
 * versions, inserts and moves the versions. One round trip, where a
 * transaction of separate statements took seven: every append that waits
 * behind a group commit waits for less. Run on its own, not inside an open
 * transaction: the statement's own transaction has committed (durably, as
 * the server's `synchronous_commit` says) when the answer arrives.
 * Throws WrongExpectedVersionError, and nothing is stored.
 */
export async function appendWrites(
  db: SqlClient,
  quotedSchema: string,
  writes: readonly StreamWrite[],
): Promise<AppendResult[]> {
  const eventWrites: number[] = [];
  const eventIds: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  writes.forEach((write, w) => {
    for (const event of write.events) {
      eventWrites.push(w + 1);
      eventIds.push(event.eventId);
      types.push(event.type);
      data.push(JSON.stringify(event.data ?? null));
      metadata.push(JSON.stringify(event.metadata ?? {}));
    }
  });
  try {
    const [row] = await db.query<{ answer: AppendAnswer[] | string }>(
      `SELECT ${quotedSchema}.append_writes($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::jsonb, $7::jsonb) AS answer`,
      [
        writes.map((w) => w.streamId),
        writes.map((w) => String(w.expectedVersion ?? 'any')),
        eventWrites,
        eventIds,
        types,
        // The payloads travel as one JSON array each (native JSON, not an escaped text[]).
        `[${data.join(',')}]`,
        `[${metadata.join(',')}]`,
      ],
    );
    const answer = typeof row.answer === 'string' ? JSON.parse(row.answer) : row.answer;
    return (answer as AppendAnswer[]).map((a) => ({
      appended: a.appended,
      duplicates: a.duplicateIds.length,
      duplicateIds: a.duplicateIds,
      streamVersion: BigInt(a.streamVersion),
    }));
  } catch (error) {
    throw sqlState(error) === WRONG_EXPECTED_VERSION ? wrongExpectedVersion(error) : error;
  }
}

/** The conflict append_writes reported, from the JSON detail of its error. */
function wrongExpectedVersion(error: unknown): WrongExpectedVersionError {
  const { streamId, expected, actual } = JSON.parse((error as { detail: string }).detail) as {
    streamId: string;
    expected: string;
    actual: string;
  };
  const named = ['any', 'no_stream', 'stream_exists'].includes(expected);
  return new WrongExpectedVersionError(
    streamId,
    (named ? expected : BigInt(expected)) as ExpectedVersion,
    BigInt(actual),
  );
}
