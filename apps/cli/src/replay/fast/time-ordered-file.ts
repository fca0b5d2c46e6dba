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

/** Which events a book holds: of one program, and of one share of its referral groups. */
export interface BookFilter {
  readonly program?: number;
  /** Only accounts taking part in a referral (see referralGroups): all a replay needs. */
  readonly takingPartOnly?: boolean;
  /** With `takingPartOnly`: the groups whose hash is `share` modulo `shares`. */
  readonly share?: number;
  readonly shares?: number;
}

/** The lines of the events up to `asOf` that `filter` keeps, by time then arrival. */
export function bookOf(scanned: ScannedHistory, asOf: Instant, filter: BookFilter = {}): Book {
  const order = timeOrder(scanned, asOf, filter);
  const offset = new Float64Array(order.length);
  const length = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    offset[i] = scanned.offset[order[i]];
    length[i] = scanned.length[order[i]];
  }
  return { offset, length };
}

/** Indexes of the events bookOf reads, in its order. */
function timeOrder(scanned: ScannedHistory, asOf: Instant, filter: BookFilter): Uint32Array {
  const { at, count, account, groups } = scanned;
  const { program, takingPartOnly = false, share = 0, shares = 1 } = filter;
  let kept = 0;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    if (at[i] > asOf || (program !== undefined && scanned.program[i] !== program)) continue;
    if (takingPartOnly) {
      const group = groups.get(account[i]);
      if (group === undefined || (shares > 1 && (group >>> 0) % shares !== share)) continue;
    }
    order[kept++] = i;
  }
  return order.subarray(0, kept).sort((a, b) => at[a] - at[b] || a - b);
}
