import { FakeEventStoreDbClient } from '../testing/fake-eventstoredb-client';
import { eventStoreContract } from '../testing/event-store.contract';
import type { Position } from '@eventstore/db-client';
import { EventStoreDbStore } from './eventstoredb-store';
import { fromGlobalPosition } from './eventstoredb-position';

// The whole contract, against a client that answers as EventStoreDB's documentation and source say.
eventStoreContract(
  'EventStoreDB adapter over a documented fake of the server',
  async () => {
    const store = new EventStoreDbStore(new FakeEventStoreDbClient(), {
      retryDelayMs: 20,
      checkpointInterval: 1,
    });
    return { store, cleanup: () => store.close() };
  },
  { atomicBatches: false, reportsRetriesAsDuplicates: false },
);

describe('EventStoreDB adapter, read against the client documentation', () => {
  let client: FakeEventStoreDbClient;
  let store: EventStoreDbStore;
  beforeEach(() => {
    client = new FakeEventStoreDbClient();
    store = new EventStoreDbStore(client, { retryDelayMs: 20, checkpointInterval: 1 });
  });
  afterEach(() => store.close());

  const ev = (eventId: string) => ({ eventId, type: 'Happened', data: { eventId } });
  const callsOf = (method: string) => client.calls.filter((c) => c.method === method);
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await check()).toBe(true);
  };

  describe('appends', () => {
    it('with an expectation, go straight to the server at that revision, reading nothing', async () => {
      await store.appendToStream('referral:r', [ev('d1')], { expectedVersion: 'no_stream' });
      await store.appendToStream('referral:r', [ev('d2')], { expectedVersion: 0n });
      expect(callsOf('readStream')).toEqual([]);
      expect(callsOf('appendToStream').map((c) => c.args[2])).toEqual([
        { expectedRevision: 'no_stream' },
        { expectedRevision: 0n },
      ]);
      // The server's conflict is the port's, with the stream's actual version.
      await expect(
        store.appendToStream('referral:r', [ev('d3')], { expectedVersion: 0n }),
      ).rejects.toMatchObject({ name: 'Error', streamId: 'referral:r', expected: 0n, actual: 1n });
    });

    it('expecting nothing, read a stream once, then append at the version known', async () => {
      await store.appendToStream('account:a', [ev('b1')]);
      await store.appendToStream('account:a', [ev('b2'), ev('b1')]);
      const reads = callsOf('readStream').map(
        (c) => (c.args[1] as { fromRevision: bigint }).fromRevision,
      );
      expect(reads).toEqual([0n]);
      expect(callsOf('appendToStream').map((c) => c.args[2])).toEqual([
        { expectedRevision: 'no_stream' },
        { expectedRevision: 0n },
      ]);
      // An id redelivered long after is still a duplicate, though the server's own check for `any` would miss it.
      const again = await store.appendToStream('account:a', [ev('b1')]);
      expect(again).toEqual({
        appended: 0,
        duplicates: 1,
        duplicateIds: ['b1'],
        streamVersion: 1n,
      });
    });

    it('when another writer gets in between, look again: no second copy', async () => {
      await store.appendToStream('account:a', [ev('b1')]);
      const rival = new EventStoreDbStore(client);
      const append = client.appendToStream.bind(client);
      jest.spyOn(client, 'appendToStream').mockImplementationOnce(async (...args) => {
        await rival.appendToStream('account:a', [ev('b2')]); // lands between our look and our append
        return append(...args);
      });
      const result = await store.appendToStream('account:a', [ev('b2'), ev('b3')]);
      expect(result).toEqual({
        appended: 1,
        duplicates: 1,
        duplicateIds: ['b2'],
        streamVersion: 2n,
      });
      expect((await store.readStream('account:a')).map((e) => e.eventId)).toEqual([
        'b1',
        'b2',
        'b3',
      ]);
    });
  });

  describe('positions: both parts of the $all position', () => {
    it('keeps apart events that share a commit position, in order, and pages through them', async () => {
      await store.appendToStream('account:a', [ev('before')]);
      client.transaction(
        'account:t',
        [1, 2, 3].map((n) => ({ id: `t${n}`, type: 'T', data: { n } })),
      );
      client.systemEvent();
      await store.appendToStream('account:a', [ev('after')]);
      const all = await store.readAll();
      expect(all.map((e) => e.eventId)).toEqual(['before', 't1', 't2', 't3', 'after']);
      const positions = all.map((e) => e.globalPosition);
      expect(new Set(positions).size).toBe(5);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      // Resuming in the middle of the shared commit loses nothing after it.
      const rest = await store.readAll({ after: all[2].globalPosition });
      expect(rest.map((e) => e.eventId)).toEqual(['t3', 'after']);
      const onePerPage = await store.readAll({ after: all[1].globalPosition, maxCount: 1 });
      expect(onePerPage.map((e) => e.eventId)).toEqual(['t2']);
    });
  });

  describe('subscriptions', () => {
    it('subscribe to $all with a server-side prefix filter and checkpoints, from the start', async () => {
      const subscription = store.subscribe({
        subscriptionId: 'filter',
        streamPrefixes: ['account:'],
        handle: async () => undefined,
      });
      await subscription.caughtUp();
      await subscription.stop();
      const [options] = callsOf('subscribeToAll').map((c) => c.args[0]);
      expect(options).toMatchObject({
        fromPosition: 'start',
        filter: { filterOn: 'streamName', prefixes: ['account:'], checkpointInterval: 1 },
      });
    });

    it('resume after an event that shares its commit position, without losing the next one', async () => {
      client.transaction(
        'account:t',
        [1, 2, 3].map((n) => ({ id: `t${n}`, type: 'T', data: { n } })),
      );
      const seen: string[] = [];
      let stopAtT3 = true;
      const follow = () =>
        store.subscribe({
          subscriptionId: 'mid-commit',
          streamPrefixes: ['account:'],
          batchSize: 1,
          onError: () => undefined,
          handle: async ([event]) => {
            if (event.eventId === 't3' && stopAtT3) throw new Error('not yet');
            seen.push(event.eventId);
          },
        });
      const first = follow();
      await eventually(
        async () => (await store.checkpoints.load('mid-commit')) !== undefined && seen.length === 2,
      );
      await first.stop();
      const [t1, t2, t3] = await store.readAll();
      expect(await store.checkpoints.load('mid-commit')).toBe(t2.globalPosition);
      stopAtT3 = false;
      const second = follow();
      await second.caughtUp();
      await second.stop();
      expect(seen).toEqual(['t1', 't2', 't3']);
      // It started after t2's exact position: the commit it shares with t3, and its own prepare.
      const resumed = callsOf('subscribeToAll').at(-1)?.args[0] as { fromPosition: Position };
      expect(resumed.fromPosition).toEqual(fromGlobalPosition(t2.globalPosition));
      expect(resumed.fromPosition.commit).toBe(fromGlobalPosition(t3.globalPosition).commit);
      expect(resumed.fromPosition.prepare).toBeGreaterThan(
        fromGlobalPosition(t1.globalPosition).prepare,
      );
    });

    it("move the stored checkpoint on through other streams at the server's checkpoints", async () => {
      const handled: string[] = [];
      const subscription = store.subscribe({
        subscriptionId: 'quiet',
        streamPrefixes: ['mine:'],
        handle: async (events) => void handled.push(...events.map((e) => e.eventId)),
      });
      for (let i = 0; i < 70; i++) await store.appendToStream(`other:${i}`, [ev(`o${i}`)]);
      const all = await store.readAll({ maxCount: 100 });
      // One checkpoint every 32 events considered (interval 1 × the server's window of 32).
      await eventually(
        async () => (await store.checkpoints.load('quiet')) === all[63].globalPosition,
      );
      await subscription.stop();
      expect(handled).toEqual([]);
    });

    it('ignore checkpoints that are not an event position (old servers: next record, prepare 0)', async () => {
      client.legacyCheckpoints = true;
      const subscription = store.subscribe({
        subscriptionId: 'legacy',
        streamPrefixes: ['mine:'],
        handle: async () => undefined,
      });
      for (let i = 0; i < 40; i++) await store.appendToStream(`other:${i}`, [ev(`o${i}`)]);
      await store.appendToStream('mine:1', [ev('m1')]);
      await subscription.caughtUp();
      await subscription.stop();
      // Only the event handled moved it: resuming from "next record, prepare 0" could skip an event.
      const [mine] = await store.readAll({ streamPrefixes: ['mine:'] });
      expect(await store.checkpoints.load('legacy')).toBe(mine.globalPosition);
    });
  });
});
