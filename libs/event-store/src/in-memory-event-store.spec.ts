import { InMemoryEventStore } from './in-memory-event-store';
import { PartialBatchError } from './event-store.port';
import { ev } from './testing/contract-fixtures';
import { eventStoreContract } from './testing/event-store.contract';

eventStoreContract('in-memory', async () => ({
  store: new InMemoryEventStore(),
  cleanup: async () => undefined,
}));

// The same store made to append batches stream by stream, as EventStoreDB does.
eventStoreContract(
  'in-memory, stream by stream',
  async () => ({
    store: new InMemoryEventStore({ atomicBatches: false }),
    cleanup: async () => undefined,
  }),
  { atomicBatches: false },
);

describe('in-memory failpoint: failAppendAfter(n)', () => {
  const batch = [
    { streamId: 'a', events: [ev('a1')] },
    { streamId: 'b', events: [ev('b1')] },
    { streamId: 'c', events: [ev('c1')] },
  ];
  const stored = async (store: InMemoryEventStore) => (await store.readAll()).map((e) => e.eventId);

  it('given an atomic store, when a batch fails at its second write, then nothing is stored', async () => {
    const store = new InMemoryEventStore();
    store.failAppendAfter(1, { error: new Error('disk full') });
    await expect(store.appendBatch(batch)).rejects.toThrow('disk full');
    expect(await stored(store)).toEqual([]);
    // Fired once: the retry goes through.
    await store.appendBatch(batch);
    expect(await stored(store)).toEqual(['a1', 'b1', 'c1']);
  });

  it('given a stream-by-stream store, when a batch fails at its second write, then the first stays', async () => {
    const store = new InMemoryEventStore({ atomicBatches: false });
    store.failAppendAfter(1, { error: new Error('connection reset'), times: 2 });
    const first = await store.appendBatch(batch).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(PartialBatchError);
    expect((first as PartialBatchError).completed.map((r) => r.appended)).toEqual([1]);
    expect((first as PartialBatchError).cause).toEqual(new Error('connection reset'));
    expect(await stored(store)).toEqual(['a1']);
    // Second firing: the first write is a duplicate now, and the batch stops at the same place.
    const second = (await store.appendBatch(batch).catch((e: unknown) => e)) as PartialBatchError;
    expect(second.completed.map((r) => [r.appended, r.duplicates])).toEqual([[0, 1]]);
    const done = await store.appendBatch(batch);
    expect(done.map((r) => [r.appended, r.duplicates])).toEqual([
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    expect(await stored(store)).toEqual(['a1', 'b1', 'c1']);
  });

  it('given a failure at the first write, then the error is the write’s own: nothing went in', async () => {
    const store = new InMemoryEventStore({ atomicBatches: false });
    store.failAppendAfter(0, { error: new Error('refused') });
    await expect(store.appendBatch(batch)).rejects.toEqual(new Error('refused'));
    expect(await stored(store)).toEqual([]);
  });
});
