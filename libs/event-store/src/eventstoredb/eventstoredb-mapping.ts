import { createHash } from 'node:crypto';
import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import type { AllStreamRecordedEvent, AppendExpectedRevision } from '@eventstore/db-client';
import type { ExpectedVersion, RecordedEvent } from '../event-store.port';

/** Our expected versions in EventStoreDB's terms (the same four cases). */
export function toExpectedRevision(expected: ExpectedVersion = 'any'): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1n) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}

/**
 * EventStoreDB wants UUID event ids: a name-based (version 5 style, SHA-1)
 * UUID of ours, so the same event id always maps to the same UUID and the
 * server's idempotent append recognises a repeat.
 */
export function uuidOf(eventId: string): string {
  const bytes = createHash('sha1')
    .update('referral-engine:')
    .update(eventId)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Our event id travels in metadata, beside the caller's metadata. */
export const EVENT_ID_KEY = '$referralsEventId';

export function toRecordedEvent(
  event:
    | AllStreamRecordedEvent
    | (Omit<AllStreamRecordedEvent, 'position'> & {
        position?: AllStreamRecordedEvent['position'];
      }),
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
    // The prepare position is unique per event and grows with the log.
    globalPosition: event.position?.prepare ?? -1n,
    recordedAt: event.created,
  };
}

/** Streams of ours only: the server's own (`$…`) never reach the engine. */
export const isOwnStream = (streamId: string, prefixes?: readonly string[]) =>
  !streamId.startsWith('$') && (!prefixes || prefixes.some((p) => streamId.startsWith(p)));
