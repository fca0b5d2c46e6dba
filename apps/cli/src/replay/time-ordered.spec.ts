import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import type { HistoryEntry } from './read-history';
import { timeOrdered } from './time-ordered';

/** The replay's external merge sort: `occurredAt` order, ties in arrival order, bounded memory. */

// Each test gets its own temporary folder, so what the sort leaves behind can be seen.
let mockTmp = '';
jest.mock('node:os', () => ({ ...jest.requireActual('node:os'), tmpdir: () => mockTmp }));
const realTmp: string = jest.requireActual('node:os').tmpdir();

const entry = (seq: number, iso: string): HistoryEntry => ({
  seq,
  at: Date.parse(iso),
  event: {
    id: `e${seq}`,
    type: 'payment.succeeded',
    program: 'callrail',
    accountId: `acct-${seq}`,
    occurredAt: iso,
    data: { invoiceId: `inv-${seq}`, amount: 100 * seq, currency: 'USD' },
  } as BillingEvent,
});

async function* from(entries: readonly HistoryEntry[]) {
  yield* entries;
}
const collect = async (it: AsyncIterable<HistoryEntry>) => {
  const out: HistoryEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
};

// Arrival order; three entries share 12:00 and arrive in three different runs of 3.
const arrivals = [
  entry(1, '2026-03-01T12:00:00Z'),
  entry(2, '2026-01-05T00:00:00Z'),
  entry(3, '2026-02-01T00:00:00Z'),
  entry(4, '2026-01-01T00:00:00Z'),
  entry(5, '2026-03-01T12:00:00Z'),
  entry(6, '2026-01-31T23:59:59Z'),
  entry(7, '2026-04-01T00:00:00Z'),
  entry(8, '2026-03-01T11:59:59.999Z'),
  entry(9, '2026-03-01T14:00:00+02:00'), // 12:00 UTC too
  entry(10, '2025-12-31T23:00:00Z'),
];
const expectedSeqs = [10, 4, 2, 6, 3, 8, 1, 5, 9, 7];

describe('timeOrdered', () => {
  let folder: string;
  beforeEach(() => {
    folder = mockTmp = mkdtempSync(join(realTmp, 'time-ordered-spec-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  describe('when the history spills to disk (runSize 3, four runs)', () => {
    it('yields every entry by time, ties in arrival order', async () => {
      const out = await collect(timeOrdered(from(arrivals), { runSize: 3 }));
      expect(out.map((e) => e.seq)).toEqual(expectedSeqs);
      for (let i = 1; i < out.length; i++) {
        const [a, b] = [out[i - 1], out[i]];
        expect(a.at < b.at || (a.at === b.at && a.seq < b.seq)).toBe(true);
      }
    });

    it('brings each event back from disk unchanged', async () => {
      const out = await collect(timeOrdered(from(arrivals), { runSize: 3 }));
      const bySeq = new Map(arrivals.map((e) => [e.seq, e]));
      for (const e of out) expect(e).toEqual(bySeq.get(e.seq));
    });

    it('actually uses the disk, and removes its run files when done', async () => {
      const iterator = timeOrdered(from(arrivals), { runSize: 3 })[Symbol.asyncIterator]();
      await iterator.next();
      expect(readdirSync(folder).some((f) => f.startsWith('referrals-replay-'))).toBe(true);
      while (!(await iterator.next()).done);
      expect(readdirSync(folder)).toEqual([]);
    });

    it('removes its run files when the reader stops early', async () => {
      for await (const e of timeOrdered(from(arrivals), { runSize: 3 })) if (e.seq === 6) break;
      expect(readdirSync(folder)).toEqual([]);
    });

    it('a run size that divides the history exactly leaves no empty run behind', async () => {
      const out = await collect(timeOrdered(from(arrivals.slice(0, 9)), { runSize: 3 }));
      expect(out.map((e) => e.seq)).toEqual(expectedSeqs.filter((s) => s !== 10));
    });
  });

  describe('when the history fits in one run', () => {
    it('sorts in memory, the same way, without touching the disk', async () => {
      const out = await collect(timeOrdered(from(arrivals), { runSize: 100 }));
      expect(out.map((e) => e.seq)).toEqual(expectedSeqs);
      expect(readdirSync(folder)).toEqual([]);
    });

    it('an empty history yields nothing', async () => {
      expect(await collect(timeOrdered(from([]), { runSize: 3 }))).toEqual([]);
    });
  });
});
