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

/**
 * The lines of the events up to `asOf` (of one program, if given), by time then
 * arrival; with `takingPartOnly`, only those of accounts that take part in a
 * referral (see accountsTakingPart), all a replay needs.
 */
export function bookOf(
  scanned: ScannedHistory,
  asOf: Instant,
  program?: number,
  takingPartOnly = false,
): Book {
  const order = timeOrder(scanned, asOf, program, takingPartOnly);
  const offset = new Float64Array(order.length);
  const length = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    offset[i] = scanned.offset[order[i]];
    length[i] = scanned.length[order[i]];
  }
  return { offset, length };
}

/** Indexes of the events bookOf reads, in its order. */
function timeOrder(
  scanned: ScannedHistory,
  asOf: Instant,
  program: number | undefined,
  takingPartOnly: boolean,
): Uint32Array {
  const { at, count, account, takingPart } = scanned;
  let kept = 0;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    if (
      at[i] <= asOf &&
      (program === undefined || scanned.program[i] === program) &&
      (!takingPartOnly || takingPart.has(account[i]))
    ) {
      order[kept++] = i;
    }
  }
  return order.subarray(0, kept).sort((a, b) => at[a] - at[b] || a - b);
}
