import { randomUUID } from 'node:crypto';
import { EventStore, WrongExpectedVersionError } from '../event-store.port';
import { ev, TestNames } from './contract-fixtures';
import { readAllContract } from './read-all.contract';
import { subscriptionContract } from './subscription.contract';

export interface ContractSubject {
  readonly store: EventStore;
  /** Closes the store and whatever the factory opened (the suite must leave no handle open). */
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** appendBatch is all or nothing (SQL and in-memory stores; EventStoreDB is atomic per stream only). */
  readonly atomicBatches?: boolean;
  /**
   * A retry of an append that went through, with the expectation it had then,
   * is told apart as duplicates at the stream's current version. EventStoreDB
   * answers such a retry as its own idempotent success instead: the version
   * that append reached, nothing reported twice, nothing stored twice.
   */
  readonly reportsRetriesAsDuplicates?: boolean;
}

/**
 * What every adapter must do, run against each of them: one suite, so the
 * PostgreSQL, PGlite, EventStoreDB and in-memory stores cannot drift apart.
 * `open` runs once per suite; tests use their own streams and ids.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: ContractOptions = {},
) {
  describe(`${name} event store`, () => {
    let subject: ContractSubject | undefined;
    const names = {} as { run: string };
    const t: TestNames = {
      stream: (s) => `t${names.run}:${s}`,
      id: (s) => `${names.run}-${s}`,
      get run() {
        return names.run;
      },
    };
    const store = () => (subject as ContractSubject).store;
    beforeAll(async () => {
      subject = await open();
    }, 60_000);
    afterAll(() => subject?.cleanup());
    beforeEach(() => {
      names.run = randomUUID().slice(0, 8);
    });
    const { stream, id } = t;

    describe('when events are appended to a stream', () => {
      it('reads them back in order, with stream positions, data and metadata', async () => {
        const result = await store().appendToStream(stream('a'), [
          ev(id('1'), 1, { source: 'billing' }),
          ev(id('2'), 2),
        ]);
        expect(result).toEqual({ appended: 2, duplicates: 0, duplicateIds: [], streamVersion: 1n });
        await store().appendToStream(stream('a'), [ev(id('3'), 3)]);
        const read = await store().readStream(stream('a'));
        expect(read.map((e) => [e.eventId, e.streamId, e.streamPosition, e.type, e.data])).toEqual([
          [id('1'), stream('a'), 0n, 'Happened', { n: 1 }],
          [id('2'), stream('a'), 1n, 'Happened', { n: 2 }],
          [id('3'), stream('a'), 2n, 'Happened', { n: 3 }],
        ]);
        expect(read[0].metadata).toEqual({ source: 'billing' });
        expect(read[1].metadata).toEqual({});
        expect(read[0].recordedAt).toBeInstanceOf(Date);
        expect(read[1].globalPosition).toBeGreaterThan(read[0].globalPosition);
        expect(read[2].globalPosition).toBeGreaterThan(read[1].globalPosition);
      });

      it('reads a stream from a position, a page at a time, ordered by number past ten', async () => {
        const twelve = Array.from({ length: 12 }, (_, i) => ev(id(`n${i}`), i));
        await store().appendToStream(stream('twelve'), twelve);
        const read = await store().readStream(stream('twelve'));
        expect(read.map((e) => e.streamPosition)).toEqual(twelve.map((_, i) => BigInt(i)));
        const page = await store().readStream(stream('twelve'), { from: 9n, maxCount: 2 });
        expect(page.map((e) => e.eventId)).toEqual([id('n9'), id('n10')]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store().readStream(stream('none'))).toEqual([]);
      });
    });

    describe('expected versions', () => {
      it('appends only when the stream is where the writer expects', async () => {
        const s = stream('v');
        await store().appendToStream(s, [ev(id('1'))], { expectedVersion: 'no_stream' });
        await expect(
          store().appendToStream(s, [ev(id('2'))], { expectedVersion: 'no_stream' }),
        ).rejects.toMatchObject({ streamId: s, expected: 'no_stream', actual: 0n });
        await expect(
          store().appendToStream(s, [ev(id('2'))], { expectedVersion: 5n }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store().appendToStream(s, [ev(id('2'))], { expectedVersion: 0n });
        await store().appendToStream(s, [ev(id('3'))], { expectedVersion: 'stream_exists' });
        await expect(
          store().appendToStream(stream('new'), [ev(id('4'))], {
            expectedVersion: 'stream_exists',
          }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store().appendToStream(stream('new'), [ev(id('5'))], { expectedVersion: -1n });
        expect((await store().readStream(s)).map((e) => e.eventId)).toEqual([
          id('1'),
          id('2'),
          id('3'),
        ]);
        expect(await store().readStream(stream('new'))).toHaveLength(1);
      });

      it('lets exactly one of two concurrent writers with the same expectation win', async () => {
        await store().appendToStream(stream('race'), [ev(id('0'))]);
        const outcomes = await Promise.allSettled([
          store().appendToStream(stream('race'), [ev(id('a'))], { expectedVersion: 0n }),
          store().appendToStream(stream('race'), [ev(id('b'))], { expectedVersion: 0n }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store().readStream(stream('race'))).toHaveLength(2);
      });
    });

    describe('idempotent event ids', () => {
      it('reports a repeated id as a duplicate, stores nothing new, keeps the version', async () => {
        await store().appendToStream(stream('d'), [ev(id('1')), ev(id('2'))]);
        const again = await store().appendToStream(stream('d'), [ev(id('2')), ev(id('3'))]);
        expect(again).toEqual({
          appended: 1,
          duplicates: 1,
          duplicateIds: [id('2')],
          streamVersion: 2n,
        });
        // A retry of an append that went through is a no-op, even with a stale expectation.
        const retry = await store().appendToStream(stream('d'), [ev(id('1'))], {
          expectedVersion: 'no_stream',
        });
        if (options.reportsRetriesAsDuplicates !== false) {
          expect(retry).toEqual({
            appended: 0,
            duplicates: 1,
            duplicateIds: [id('1')],
            streamVersion: 2n,
          });
        }
        expect(await store().readStream(stream('d'))).toHaveLength(3);
      });

      it('stores an id repeated within one append once', async () => {
        const result = await store().appendToStream(stream('dd'), [ev(id('x')), ev(id('x'), 2)]);
        expect(result).toEqual({
          appended: 1,
          duplicates: 1,
          duplicateIds: [id('x')],
          streamVersion: 0n,
        });
        expect((await store().readStream(stream('dd'))).map((e) => e.data)).toEqual([{ n: 0 }]);
      });
    });

    describe('batches', () => {
      it('appends to several streams and answers per write, in order', async () => {
        const results = await store().appendBatch([
          {
            streamId: stream('b1'),
            events: [ev(id('1')), ev(id('2'))],
            expectedVersion: 'no_stream',
          },
          { streamId: stream('b2'), events: [ev(id('3'))] },
          { streamId: stream('b1'), events: [ev(id('4'))], expectedVersion: 1n },
        ]);
        expect(results.map((r) => [r.appended, r.streamVersion])).toEqual([
          [2, 1n],
          [1, 0n],
          [1, 2n],
        ]);
        expect(await store().readStream(stream('b1'))).toHaveLength(3);
      });

      if (options.atomicBatches === false) {
        it('stops a batch at the write that fails, says what went in, completes on retry', async () => {
          await store().appendToStream(stream('held'), [ev(id('0'))]);
          const batch = [
            { streamId: stream('p1'), events: [ev(id('p1'))] },
            {
              streamId: stream('held'),
              events: [ev(id('p2'))],
              expectedVersion: 'no_stream' as const,
            },
            { streamId: stream('p3'), events: [ev(id('p3'))] },
          ];
          const error = await store()
            .appendBatch(batch)
            .catch((e: unknown) => e);
          // Still the conflict callers retry on, and it says what went in before it.
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({
            streamId: stream('held'),
            actual: 0n,
            completed: [{ appended: 1, duplicates: 0, duplicateIds: [], streamVersion: 0n }],
          });
          expect(await store().readStream(stream('p3'))).toEqual([]); // nothing after it was tried
          // Retried whole (the conflict resolved): what went in before is a duplicate.
          const retried = await store().appendBatch([
            batch[0],
            { ...batch[1], expectedVersion: 0n },
            batch[2],
          ]);
          expect(retried.map((r) => [r.appended, r.duplicates])).toEqual([
            [0, 1],
            [1, 0],
            [1, 0],
          ]);
        });
      }

      if (options.atomicBatches !== false) {
        it('stores nothing of a batch when one of its writes fails', async () => {
          await store().appendToStream(stream('held'), [ev(id('0'))]);
          await expect(
            store().appendBatch([
              { streamId: stream('b1'), events: [ev(id('b1'))] },
              { streamId: stream('held'), events: [ev(id('b2'))], expectedVersion: 'no_stream' },
            ]),
          ).rejects.toBeInstanceOf(WrongExpectedVersionError);
          expect(await store().readStream(stream('b1'))).toEqual([]);
          // Nothing half-done either: the ids are still free.
          const later = await store().appendToStream(stream('b1'), [ev(id('b1'))]);
          expect(later).toMatchObject({ appended: 1, streamVersion: 0n });
        });
      }
    });

    readAllContract(store, t);
    subscriptionContract(store, t);
  });
}
