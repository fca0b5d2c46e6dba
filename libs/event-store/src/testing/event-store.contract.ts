import { randomUUID } from 'node:crypto';
import { EventStore, RecordedEvent, WrongExpectedVersionError } from '../event-store.port';

export interface ContractSubject {
  readonly store: EventStore;
  readonly cleanup: () => Promise<void>;
}

const ev = (eventId: string, n = 0) => ({ eventId, type: 'Happened', data: { n } });

/**
 * What every adapter must do, run against each of them: one suite, so the
 * PostgreSQL, PGlite, EventStoreDB and in-memory stores cannot drift apart.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: { atomicBatches?: boolean } = {},
) {
  describe(`${name} event store`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    let run: string;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    }, 60_000);
    afterAll(() => subject?.cleanup());
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });
    const stream = (s: string) => `t${run}:${s}`;
    const id = (s: string) => `${run}-${s}`;

    describe('when events are appended to a stream', () => {
      it('reads them back in order with their positions', async () => {
        const result = await store.appendToStream(stream('a'), [ev(id('1'), 1), ev(id('2'), 2)]);
        expect(result).toMatchObject({ appended: 2, duplicates: 0, streamVersion: 1n });
        await store.appendToStream(stream('a'), [ev(id('3'), 3)]);
        const read = await store.readStream(stream('a'));
        expect(read.map((e) => [e.eventId, e.streamPosition, e.data])).toEqual([
          [id('1'), 0n, { n: 1 }],
          [id('2'), 1n, { n: 2 }],
          [id('3'), 2n, { n: 3 }],
        ]);
        expect(read[1].globalPosition).toBeGreaterThan(read[0].globalPosition);
      });

      it('orders by number, not by text, past ten events', async () => {
        const twelve = Array.from({ length: 12 }, (_, i) => ev(id(`n${i}`), i));
        await store.appendToStream(stream('twelve'), twelve);
        const read = await store.readStream(stream('twelve'));
        expect(read.map((e) => e.streamPosition)).toEqual(twelve.map((_, i) => BigInt(i)));
        const all = await store.readAll({ after: read[0].globalPosition - 1n, maxCount: 12 });
        expect(all.map((e) => e.eventId)).toEqual(twelve.map((e) => e.eventId));
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream('none'))).toEqual([]);
      });
    });

    describe('expected versions', () => {
      it('appends only when the stream is where the writer expects', async () => {
        await store.appendToStream(stream('v'), [ev(id('1'))], { expectedVersion: 'no_stream' });
        await expect(
          store.appendToStream(stream('v'), [ev(id('2'))], { expectedVersion: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(
          store.appendToStream(stream('v'), [ev(id('2'))], { expectedVersion: 5n }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.appendToStream(stream('v'), [ev(id('2'))], { expectedVersion: 0n });
        await store.appendToStream(stream('v'), [ev(id('3'))], {
          expectedVersion: 'stream_exists',
        });
        await expect(
          store.appendToStream(stream('new'), [ev(id('4'))], { expectedVersion: 'stream_exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(stream('v'))).length).toBe(3);
      });

      it('lets exactly one of two concurrent writers with the same expectation win', async () => {
        await store.appendToStream(stream('race'), [ev(id('0'))]);
        const outcomes = await Promise.allSettled([
          store.appendToStream(stream('race'), [ev(id('a'))], { expectedVersion: 0n }),
          store.appendToStream(stream('race'), [ev(id('b'))], { expectedVersion: 0n }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(stream('race'))).toHaveLength(2);
      });
    });

    describe('idempotent event ids', () => {
      it('reports a repeated id as a duplicate and stores nothing new', async () => {
        await store.appendToStream(stream('d'), [ev(id('1')), ev(id('2'))]);
        const again = await store.appendToStream(stream('d'), [ev(id('2')), ev(id('3'))]);
        expect(again).toMatchObject({
          appended: 1,
          duplicates: 1,
          duplicateIds: [id('2')],
          streamVersion: 2n,
        });
        const retry = await store.appendToStream(stream('d'), [ev(id('1'))], {
          expectedVersion: 'no_stream',
        });
        expect(retry).toMatchObject({ appended: 0, duplicates: 1, streamVersion: 2n });
        expect(await store.readStream(stream('d'))).toHaveLength(3);
      });

      it('stores an id repeated within one append once', async () => {
        const result = await store.appendToStream(stream('dd'), [ev(id('x')), ev(id('x'))]);
        expect(result).toMatchObject({ appended: 1, duplicates: 1 });
      });
    });

    if (options.atomicBatches !== false) {
      it('stores nothing of a batch when one of its writes fails', async () => {
        await store.appendToStream(stream('held'), [ev(id('0'))]);
        await expect(
          store.appendBatch([
            { streamId: stream('b1'), events: [ev(id('b1'))] },
            { streamId: stream('held'), events: [ev(id('b2'))], expectedVersion: 'no_stream' },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(stream('b1'))).toEqual([]);
      });
    }

    describe('reading everything', () => {
      it('reads after a position, in order, a page at a time, filtered by stream prefix', async () => {
        const start = await lastPosition(store);
        await store.appendToStream(stream('all-x'), [ev(id('x1')), ev(id('x2'))]);
        await store.appendToStream(stream('other'), [ev(id('o1'))]);
        await store.appendToStream(stream('all-y'), [ev(id('y1'))]);
        const mine = await store.readAll({
          after: start,
          maxCount: 100,
          streamPrefixes: [stream('all-')],
        });
        expect(mine.map((e) => e.eventId)).toEqual([id('x1'), id('x2'), id('y1')]);
        const page = await store.readAll({ after: start, maxCount: 2 });
        expect(page.map((e) => e.eventId)).toEqual([id('x1'), id('x2')]);
      });
    });

    describe('subscriptions', () => {
      it('delivers every event in order and resumes from its checkpoint after a restart', async () => {
        const prefix = stream('sub-');
        const seen: string[] = [];
        const subscriptionId = `sub-${run}`;
        const follow = () =>
          store.subscribe({
            subscriptionId,
            streamPrefixes: [prefix],
            handle: async (events) => void seen.push(...events.map((e) => e.eventId)),
          });
        const first = follow();
        await store.appendToStream(stream('sub-1'), [ev(id('1')), ev(id('2'))]);
        await first.caughtUp();
        await first.stop();
        await store.appendToStream(stream('sub-2'), [ev(id('3'))]);
        const second = follow();
        await second.caughtUp();
        await second.stop();
        expect(seen).toEqual([id('1'), id('2'), id('3')]);
      });

      it('hands a batch whose handler failed over again', async () => {
        const prefix = stream('retry-');
        const attempts: string[][] = [];
        const subscription = store.subscribe({
          subscriptionId: `retry-${run}`,
          streamPrefixes: [prefix],
          handle: async (events: readonly RecordedEvent[]) => {
            attempts.push(events.map((e) => e.eventId));
            if (attempts.length === 1) throw new Error('handler down');
          },
          onError: () => undefined,
        });
        await store.appendToStream(stream('retry-1'), [ev(id('r1'))]);
        await subscription.caughtUp();
        await subscription.stop();
        expect(attempts.length).toBeGreaterThanOrEqual(2);
        expect(attempts[0]).toEqual(attempts[1]);
      });
    });
  });
}

async function lastPosition(store: EventStore): Promise<bigint> {
  let position = -1n;
  for (;;) {
    const page = await store.readAll({ after: position, maxCount: 1000 });
    if (page.length === 0) return position;
    position = page[page.length - 1].globalPosition;
  }
}
