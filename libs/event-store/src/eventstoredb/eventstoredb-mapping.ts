import { createHash } from 'node:crypto';
import {
  ANY,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  AppendExpectedRevision,
  CurrentRevision,
  EventData,
  Filter,
  Position,
  ReadPosition,
} from '@eventstore/db-client';
import type { EventToAppend, ExpectedVersion, RecordedEvent } from '../event-store.port';
import { fromGlobalPosition, isKnownPosition, toGlobalPosition } from './eventstoredb-position';

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

/** Our event as EventStoreDB's: a JSON event under the UUID of our id, our id in its metadata. */
export const toEventData = (event: EventToAppend): EventData =>
  jsonEvent({
    id: uuidOf(event.eventId),
    type: event.type,
    data: (event.data ?? null) as never,
    metadata: { ...(event.metadata ?? {}), [EVENT_ID_KEY]: event.eventId },
  });

/** Where the default checkpoint store keeps a subscription's position: one stream each. */
export const CHECKPOINT_STREAM_PREFIX = 'referrals-checkpoint-';

/**
 * EventStoreDB's event as ours. Its global position packs both parts of its
 * $all position (see eventstoredb-position.ts), so events that share a
 * commit position stay apart and in order. An event read from a stream may
 * come without a log position: -1n.
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
  return {
    eventId,
    type: event.type,
    data: event.data,
    metadata,
    streamId: event.streamId,
    streamPosition: event.revision,
    globalPosition: isKnownPosition(event.position) ? toGlobalPosition(event.position) : -1n,
    recordedAt: event.created,
  };
}

/**
 * Where to read $all from to get the events after `after`: the event's own
 * position, both parts (a read forward starts at it, inclusive; the caller
 * skips it). A subscription starts after the position it is given.
 */
export const toReadPosition = (after: bigint): ReadPosition =>
  after < 0n ? START : fromGlobalPosition(after);

/**
 * A server checkpoint of a filtered subscription, as a position to resume
 * after, or undefined when it is not an event's own position. Servers before
 * 24.10.5/25.0.1 could send the end of the log with prepare 0 there; a
 * subscription resumed from such a position skips the next event, so those
 * are not stored (the next event or checkpoint moves the subscriber on).
 */
export function checkpointOf(position: Position): bigint | undefined {
  if (!isKnownPosition(position) || position.commit !== position.prepare) return undefined;
  return toGlobalPosition(position);
}

/** Streams of ours only: neither the server's own (`$…`) nor our checkpoint streams. */
export const isOwnStream = (streamId: string, prefixes?: readonly string[]) =>
  !streamId.startsWith('$') &&
  !streamId.startsWith(CHECKPOINT_STREAM_PREFIX) &&
  (!prefixes || prefixes.some((p) => streamId.startsWith(p)));

/** What a subscription asks of the server's checkpoints (see streamFilterFor). */
export interface ServerCheckpoints {
  /** In units of the server's search window (32 events considered): 32 ≈ every 1,024 events. */
  readonly interval: number;
  readonly reached: NonNullable<Filter['checkpointReached']>;
}

/**
 * The server-side filter for a subscription to $all: our prefixes, or every
 * stream of ours. The server reports a checkpoint every `interval` search
 * windows of events considered, matched or not, so a subscriber to quiet
 * streams still moves on through a busy log.
 */
export function streamFilterFor(
  prefixes?: readonly string[],
  checkpoints?: ServerCheckpoints,
): Filter {
  const reporting = checkpoints && {
    checkpointInterval: checkpoints.interval,
    checkpointReached: checkpoints.reached,
  };
  if (prefixes && prefixes.length > 0) {
    return streamNameFilter({ prefixes: [...prefixes], ...reporting });
  }
  const ownCheckpoints = CHECKPOINT_STREAM_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return streamNameFilter({ regex: `^(?!\\$|${ownCheckpoints})`, ...reporting });
}
