import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import {
  EVENT_ID_KEY,
  isOwnStream,
  toExpectedRevision,
  toRecordedEvent,
  uuidOf,
} from './eventstoredb-mapping';

describe('EventStoreDB mapping', () => {
  it('maps expected versions onto expected revisions', () => {
    expect(toExpectedRevision()).toBe(ANY);
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision(-1n)).toBe(NO_STREAM);
    expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toExpectedRevision(4n)).toBe(4n);
  });

  it('derives the same version-5 UUID from the same event id, and different ones from different ids', () => {
    const uuid = uuidOf('billing-abc');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidOf('billing-abc')).toBe(uuid);
    expect(uuidOf('billing-abd')).not.toBe(uuid);
  });

  it('restores our event id and metadata from a recorded event', () => {
    const recorded = toRecordedEvent({
      streamId: 'account:kallyai:bob',
      id: uuidOf('billing-1'),
      isJson: true,
      revision: 3n,
      type: 'payment.succeeded',
      created: new Date('2026-01-01T00:00:00Z'),
      data: { amount: 2900 },
      metadata: { [EVENT_ID_KEY]: 'billing-1', receivedAt: 'x' },
      position: { commit: 120n, prepare: 118n },
    } as never);
    expect(recorded).toEqual({
      eventId: 'billing-1',
      type: 'payment.succeeded',
      data: { amount: 2900 },
      metadata: { receivedAt: 'x' },
      streamId: 'account:kallyai:bob',
      streamPosition: 3n,
      globalPosition: 118n,
      recordedAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it("keeps the server's own streams away from the engine", () => {
    expect(isOwnStream('$stats-0')).toBe(false);
    expect(isOwnStream('account:x')).toBe(true);
    expect(isOwnStream('account:x', ['referral:'])).toBe(false);
  });
});
