import { ANY, NO_STREAM, START, STREAM_EXISTS } from '@eventstore/db-client';
import {
  checkpointOf,
  CHECKPOINT_STREAM_PREFIX,
  EVENT_ID_KEY,
  fromCurrentRevision,
  isOwnStream,
  streamFilterFor,
  toExpectedRevision,
  toReadPosition,
  toEventData,
  toRecordedEvent,
  uuidOf,
} from './eventstoredb-mapping';
import { fromGlobalPosition, toGlobalPosition } from './eventstoredb-position';

const recorded = (overrides: object = {}) =>
  ({
    streamId: 'account:kallyai:bob',
    id: uuidOf('billing-1'),
    isJson: true,
    revision: 3n,
    type: 'payment.succeeded',
    created: new Date('2026-01-01T00:00:00Z'),
    data: { amount: 2900 },
    metadata: { [EVENT_ID_KEY]: 'billing-1', receivedAt: 'x' },
    position: { commit: 118n, prepare: 118n },
    ...overrides,
  }) as never;

describe('EventStoreDB mapping', () => {
  it('maps expected versions onto expected revisions', () => {
    expect(toExpectedRevision()).toBe(ANY);
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision(-1n)).toBe(NO_STREAM);
    expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toExpectedRevision(4n)).toBe(4n);
    expect(fromCurrentRevision(NO_STREAM)).toBe(-1n);
    expect(fromCurrentRevision(7n)).toBe(7n);
  });

  it('derives a stable RFC 9562 version-5 UUID from an event id', () => {
    // Pinned (computed independently with Python's uuid.uuid5): changing the derivation
    // would make every event already in a store look new to the idempotency check.
    expect(uuidOf('billing-abc')).toBe('0637aaa7-ac5a-575a-87cc-234396115cf4');
    expect(uuidOf('é')).toBe('e126e721-a526-54b5-95dc-9c005f8701da');
    expect(uuidOf('billing-abd')).not.toBe(uuidOf('billing-abc'));
    expect(uuidOf('x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('restores our event id and metadata, and packs both parts of the position', () => {
    expect(toRecordedEvent(recorded())).toEqual({
      eventId: 'billing-1',
      type: 'payment.succeeded',
      data: { amount: 2900 },
      metadata: { receivedAt: 'x' },
      streamId: 'account:kallyai:bob',
      streamPosition: 3n,
      globalPosition: toGlobalPosition({ commit: 118n, prepare: 118n }),
      recordedAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('gives events without a log position (stream reads of old servers) position -1', () => {
    expect(toRecordedEvent(recorded({ position: undefined })).globalPosition).toBe(-1n);
    const unknown = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
    expect(toRecordedEvent(recorded({ position: unknown })).globalPosition).toBe(-1n);
  });

  it('falls back to the UUID for events written by others', () => {
    expect(toRecordedEvent(recorded({ metadata: undefined }))).toMatchObject({
      eventId: uuidOf('billing-1'),
      metadata: {},
    });
  });

  it('writes our id in metadata and its UUID as the event id, so a retry is the same event', () => {
    const data = toEventData({ eventId: 'billing-1', type: 'payment.succeeded', data: { a: 1 } });
    expect(data).toMatchObject({
      id: uuidOf('billing-1'),
      type: 'payment.succeeded',
      data: { a: 1 },
      metadata: { [EVENT_ID_KEY]: 'billing-1' },
    });
    expect(toRecordedEvent(recorded({ metadata: data.metadata })).eventId).toBe('billing-1');
  });

  it('reads $all from the start, or from both parts of the last position read', () => {
    expect(toReadPosition(-1n)).toBe(START);
    const inTransaction = { commit: 900n, prepare: 700n };
    expect(toReadPosition(toGlobalPosition(inTransaction))).toEqual(inTransaction);
    expect(toReadPosition(toGlobalPosition({ commit: 118n, prepare: 118n }))).toEqual({
      commit: 118n,
      prepare: 118n,
    });
  });

  it("takes a server checkpoint only at an event's own position", () => {
    expect(checkpointOf({ commit: 500n, prepare: 500n })).toBe(
      toGlobalPosition({ commit: 500n, prepare: 500n }),
    );
    // Old servers: the next record's position with prepare 0; resuming there skips an event.
    expect(checkpointOf({ commit: 600n, prepare: 0n })).toBeUndefined();
    expect(checkpointOf({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toBeUndefined();
    expect(fromGlobalPosition(checkpointOf({ commit: 7n, prepare: 7n }) as bigint)).toEqual({
      commit: 7n,
      prepare: 7n,
    });
  });

  it("keeps the server's own streams and our checkpoint streams away from the engine", () => {
    expect(isOwnStream('$stats-0')).toBe(false);
    expect(isOwnStream(`${CHECKPOINT_STREAM_PREFIX}projector`)).toBe(false);
    expect(isOwnStream('account:x')).toBe(true);
    expect(isOwnStream('account:x', ['referral:'])).toBe(false);
    expect(isOwnStream('referral:x', ['account:', 'referral:'])).toBe(true);
  });

  it('filters subscriptions on the server: by prefix, else every stream of ours', () => {
    expect(streamFilterFor(['account:'])).toMatchObject({ prefixes: ['account:'] });
    const reached = () => undefined;
    expect(streamFilterFor(['account:', 'code:'], { interval: 8, reached })).toEqual({
      filterOn: 'streamName',
      prefixes: ['account:', 'code:'],
      checkpointInterval: 8,
      checkpointReached: reached,
    });
    const { regex } = streamFilterFor() as { regex: string };
    const everyOwn = new RegExp(regex); // .NET and JavaScript agree on this lookahead
    expect(everyOwn.test('account:x')).toBe(true);
    expect(everyOwn.test('$stats-0')).toBe(false);
    expect(everyOwn.test(`${CHECKPOINT_STREAM_PREFIX}projector`)).toBe(false);
  });
});
