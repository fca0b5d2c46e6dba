import { createHash } from 'node:crypto';
import { ANY, NO_STREAM, START, STREAM_EXISTS, streamNameFilter } from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  AppendExpectedRevision,
  CurrentRevision,
  Filter,
  ReadPosition,
} from '@eventstore/db-client';
import type { ExpectedVersion, RecordedEvent } from '../event-store.port';

/** Our expected versions in EventStoreDB's terms (the same four cases). */
export function toExpectedRevision(expected: ExpectedVersion = 'any'): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1n) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}

/** The server's "current revision" as our stream version (-1n for no stream). */
export const fromCurrentRevision = (revision: CurrentRevision): bigint =>
  revision === NO_STREAM ? -1n : revision;

/** Fixed namespace, so the same event id maps to the same UUID in every process, forever. */
const EVENT_ID_NAMESPACE = Buffer.from('5b1e6c1e2a8f4f0b9d7e3c2a1b0f9e8d', 'hex');

/**
 * EventStoreDB wants UUID event ids: a name-based version 5 UUID (SHA-1 of a
 * fixed namespace and our id, RFC 9562 §5.5), so the same event id always
 * maps to the same UUID and the server's idempotent append recognises a repeat.
 */
export function uuidOf(eventId: string): string {
  const bytes = createHash('sha1')
    .update(EVENT_ID_NAMESPACE)
    .update(eventId, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Our event id travels in metadata, beside the caller's metadata. */
export const EVENT_ID_KEY = '$referralsEventId';

/** Where the default checkpoint store keeps a subscription's position: one stream each. */
export const CHECKPOINT_STREAM_PREFIX = 'referrals-checkpoint-';

/** A stream read from its index carries no log position; the server then sends 2^64-1. */
const NO_POSITION = 2n ** 63n;

/**
 * EventStoreDB's event as ours. The global position is the commit position:
 * for every event appended over gRPC it equals the event's own log (prepare)
 * position, so it is unique and grows with the log. (Events of legacy TCP
 * explicit transactions would share their commit's position; this adapter
 * never writes those.) Events read from a stream, not from $all, may come
 * without a position: -1n.
 */
export function toRecordedEvent(
  event: Omit<AllStreamRecordedEvent, 'position'> & {
    position?: AllStreamRecordedEvent['position'];
  },
): RecordedEvent {
  const metadata = { ...((event.metadata as Record<string, unknown> | undefined) ?? {}) };
  const eventId =
    typeof metadata[EVENT_ID_KEY] === 'string' ? (metadata[EVENT_ID_KEY] as string) : event.id;
  delete metadata[EVENT_ID_KEY];
  const commit = event.position?.commit;
  return {
    eventId,
    type: event.type,
    data: event.data,
    metadata,
    streamId: event.streamId,
    streamPosition: event.revision,
    globalPosition: commit === undefined || commit >= NO_POSITION ? -1n : commit,
    recordedAt: event.created,
  };
}

/** Where to start reading $all to get the events after `after` (the server's start is inclusive). */
export const toReadPosition = (after: bigint): ReadPosition =>
  after < 0n ? START : { commit: after, prepare: after };

/** Streams of ours only: neither the server's own (`$…`) nor our checkpoint streams. */
export const isOwnStream = (streamId: string, prefixes?: readonly string[]) =>
  !streamId.startsWith('$') &&
  !streamId.startsWith(CHECKPOINT_STREAM_PREFIX) &&
  (!prefixes || prefixes.some((p) => streamId.startsWith(p)));

/** The server-side filter for a subscription to $all: our prefixes, or every stream of ours. */
export function streamFilterFor(prefixes?: readonly string[]): Filter {
  if (prefixes && prefixes.length > 0) return streamNameFilter({ prefixes: [...prefixes] });
  const checkpoints = CHECKPOINT_STREAM_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return streamNameFilter({ regex: `^(?!\\$|${checkpoints})` });
}
