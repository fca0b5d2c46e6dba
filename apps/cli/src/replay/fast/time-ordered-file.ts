import { closeSync, openSync } from 'node:fs';
import type { BillingEvent } from '@referrals/contracts';
import type { Instant } from '@referrals/domain';
import { BlockReader } from './block-reader';
import type { ScannedHistory } from './merge-ranges';

/** Lines of accepted events in the order to read them: where each starts and its length. */
export interface Book {
  readonly offset: Float64Array;
  readonly length: Int32Array;
}

/**
 * Pass two: the accepted events up to `asOf`, in `occurredAt` order (ties:
 * arrival order), each line read again from the file and parsed. Only the
 * order is sorted; no event is held or spilled.
 */
export function timeOrderedEvents(
  path: string,
  scanned: ScannedHistory,
  asOf: Instant,
): Generator<BillingEvent> {
  return eventsOf(path, bookOf(scanned, asOf));
}

/** The events of a book, in its order, each line read again and parsed (`cachedBlocks`: see BlockReader). */
export function* eventsOf(
  path: string,
  book: Book,
  cachedBlocks?: number,
): Generator<BillingEvent> {
  const fd = openSync(path, 'r');
  try {
    const lines = new BlockReader(fd, cachedBlocks);
    const { offset, length } = book;
    for (let i = 0; i < offset.length; i++) {
      yield JSON.parse(lines.line(offset[i], length[i])) as BillingEvent;
    }
  } finally {
    closeSync(fd);
  }
}

/** Which events a book holds: all, or those of one program. */
export interface BookFilter {
  readonly program?: number;
}

/** The lines of the events up to `asOf` that `filter` keeps, by time then arrival. */
export function bookOf(scanned: ScannedHistory, asOf: Instant, filter: BookFilter = {}): Book {
  const { at, count } = scanned;
  const { program } = filter;
  let kept = 0;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    if (at[i] > asOf || (program !== undefined && scanned.program[i] !== program)) continue;
    order[kept++] = i;
  }
  return linesOf(scanned, inTimeOrder(scanned, order.subarray(0, kept)));
}

/**
 * The books of the events up to `asOf` of accounts taking part in a referral
 * (see referralGroups): each program's groups cut into `shares[program]`
 * shares by their hash, a book each (the books of each program, by program).
 * Each event's group is looked up twice, however many books there are (a
 * pass over every event for each book made 2M events cost a dozen passes).
 */
export function sharedBooks(
  scanned: ScannedHistory,
  asOf: Instant,
  shares: readonly number[],
): Book[][] {
  const { at, count, account, groups, program } = scanned;
  const firstBook: number[] = [];
  let bookCount = 0;
  for (const n of shares) {
    firstBook.push(bookCount);
    bookCount += n;
  }
  const bookOfEvent = (i: number): number => {
    if (at[i] > asOf) return -1;
    const group = groups.get(account[i]);
    if (group === undefined) return -1;
    const n = shares[program[i]];
    return firstBook[program[i]] + (n > 1 ? (group >>> 0) % n : 0);
  };
  const sizes = new Uint32Array(bookCount);
  for (let i = 0; i < count; i++) {
    const book = bookOfEvent(i);
    if (book >= 0) sizes[book]++;
  }
  // Filled in arrival order, then sorted by time: ties stay in arrival order.
  const orders = Array.from(sizes, (size) => new Uint32Array(size));
  const filled = new Uint32Array(bookCount);
  for (let i = 0; i < count; i++) {
    const book = bookOfEvent(i);
    if (book >= 0) orders[book][filled[book]++] = i;
  }
  const books = orders.map((order) => linesOf(scanned, inTimeOrder(scanned, order)));
  return firstBook.map((first, p) => books.slice(first, first + shares[p]));
}

/** Event indexes sorted by time, then arrival. */
const inTimeOrder = ({ at }: ScannedHistory, order: Uint32Array): Uint32Array =>
  order.sort((a, b) => at[a] - at[b] || a - b);

/** Where the lines of the events at `order` are. */
function linesOf(scanned: ScannedHistory, order: Uint32Array): Book {
  const offset = new Float64Array(order.length);
  const length = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    offset[i] = scanned.offset[order[i]];
    length[i] = scanned.length[order[i]];
  }
  return { offset, length };
}
