import type { EventStore } from '../event-store.port';
import { ev, TestNames } from './contract-fixtures';

/** Reading $all: part of the event store contract, run by eventStoreContract(). */
export function readAllContract(store: () => EventStore, { stream, id }: TestNames) {
  describe('reading everything', () => {
    it('reads after a position, in order, a page at a time, filtered by stream prefix', async () => {
      const start = await lastPosition(store());
      await store().appendToStream(stream('all-x'), [ev(id('x1')), ev(id('x2'))]);
      await store().appendToStream(stream('other'), [ev(id('o1'))]);
      await store().appendToStream(stream('all-y'), [ev(id('y1'))]);
      const mine = await store().readAll({ after: start, streamPrefixes: [stream('all-')] });
      expect(mine.map((e) => e.eventId)).toEqual([id('x1'), id('x2'), id('y1')]);
      const page = await store().readAll({ after: start, maxCount: 2 });
      expect(page.map((e) => e.eventId)).toEqual([id('x1'), id('x2')]);
      const next = await store().readAll({ after: page[1].globalPosition, maxCount: 2 });
      expect(next.map((e) => e.eventId)).toEqual([id('o1'), id('y1')]);
      const two = await store().readAll({
        after: start,
        streamPrefixes: [stream('all-y'), stream('other')],
      });
      expect(two.map((e) => e.eventId)).toEqual([id('o1'), id('y1')]);
    });

    it('matches a prefix literally, `_` and `%` included', async () => {
      const start = await lastPosition(store());
      await store().appendToStream(stream('a_b%c-1'), [ev(id('literal'))]);
      await store().appendToStream(stream('aXbYc-1'), [ev(id('wildcard'))]);
      const read = await store().readAll({ after: start, streamPrefixes: [stream('a_b%c')] });
      expect(read.map((e) => e.eventId)).toEqual([id('literal')]);
    });
  });
}

/** The position of the newest event readable now. */
export async function lastPosition(store: EventStore): Promise<bigint> {
  let position = -1n;
  for (;;) {
    const page = await store.readAll({ after: position, maxCount: 1000 });
    if (page.length === 0) return position;
    position = page[page.length - 1].globalPosition;
  }
}
