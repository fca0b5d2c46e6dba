import type { EventStore, RecordedEvent, Subscription } from '../event-store.port';
import { ev, TestNames } from './contract-fixtures';

/** Subscriptions: part of the event store contract, run by eventStoreContract(). */
export function subscriptionContract(store: () => EventStore, names: TestNames) {
  const { stream, id } = names;
  describe('subscriptions', () => {
    let open: Subscription[] = [];
    afterEach(async () => {
      await Promise.all(open.map((s) => s.stop()));
      open = [];
    });
    const follow = (
      subscriptionId: string,
      prefix: string,
      handle: (events: readonly RecordedEvent[]) => Promise<void>,
      batchSize?: number,
    ) => {
      const subscription = store().subscribe({
        subscriptionId,
        streamPrefixes: [prefix],
        handle,
        batchSize,
        onError: () => undefined,
      });
      open.push(subscription);
      return subscription;
    };

    it('delivers every event of its streams in global order, and nothing else', async () => {
      const seen: RecordedEvent[] = [];
      const subscription = follow(
        `order-${names.run}`,
        stream('sub-'),
        async (events) => {
          seen.push(...events);
        },
        2,
      );
      await store().appendToStream(stream('sub-1'), [ev(id('1')), ev(id('2'))]);
      await store().appendToStream(stream('elsewhere'), [ev(id('x'))]);
      await store().appendBatch([
        { streamId: stream('sub-2'), events: [ev(id('3'))] },
        { streamId: stream('sub-1'), events: [ev(id('4')), ev(id('5'))] },
      ]);
      await subscription.caughtUp();
      expect(seen.map((e) => e.eventId)).toEqual([id('1'), id('2'), id('3'), id('4'), id('5')]);
      const positions = seen.map((e) => e.globalPosition);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    });

    it('resumes after its stored checkpoint after a restart, without delivering twice', async () => {
      const seen: string[] = [];
      const subscriptionId = `resume-${names.run}`;
      const handle = async (events: readonly RecordedEvent[]) => {
        seen.push(...events.map((e) => e.eventId));
      };
      const first = follow(subscriptionId, stream('sub-'), handle);
      await store().appendToStream(stream('sub-1'), [ev(id('1')), ev(id('2'))]);
      await first.caughtUp();
      await first.stop();
      const checkpoint = await store().checkpoints.load(subscriptionId);
      expect(checkpoint).toBe((await store().readStream(stream('sub-1')))[1].globalPosition);
      await store().appendToStream(stream('sub-2'), [ev(id('3'))]);
      const second = follow(subscriptionId, stream('sub-'), handle);
      await second.caughtUp();
      expect(seen).toEqual([id('1'), id('2'), id('3')]);
    });

    it('hands a batch whose handler failed over again, then moves on', async () => {
      const attempts: string[][] = [];
      const subscription = follow(`retry-${names.run}`, stream('retry-'), async (events) => {
        attempts.push(events.map((e) => e.eventId));
        if (attempts.length === 1) throw new Error('handler down');
      });
      await store().appendToStream(stream('retry-1'), [ev(id('r1'))]);
      await subscription.caughtUp();
      expect(attempts).toEqual([[id('r1')], [id('r1')]]);
      await store().appendToStream(stream('retry-1'), [ev(id('r2'))]);
      await subscription.caughtUp();
      expect(attempts.slice(2)).toEqual([[id('r2')]]);
    });

    it('is caught up at once when its streams are empty, and stops promptly', async () => {
      const subscription = follow(`empty-${names.run}`, stream('nothing-'), async () => {
        throw new Error('nothing to deliver');
      });
      await subscription.caughtUp();
      const started = Date.now();
      await subscription.stop();
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
}
