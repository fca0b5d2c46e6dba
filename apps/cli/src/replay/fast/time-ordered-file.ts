import { closeSync, openSync } from 'node:fs';
import type { BillingEvent } from '@referrals/contracts';
import type { Instant } from '@referrals/domain';
import { BlockReader } from './block-reader';
import type { ScannedHistory } from './merge-ranges';

/**
 * Pass two: the accepted events up to `asOf`, in `occurredAt` order (ties:
 * arrival order), each line read again from the file and parsed. Only the
 * order (four bytes an event) is sorted; no event is held or spilled.
 */
export function* timeOrderedEvents(
  path: string,
  scanned: ScannedHistory,
  asOf: Instant,
): Generator<BillingEvent> {
  const order = timeOrder(scanned, asOf);
  yield* eventsAt(path, scanned.offset, scanned.length, order);
}

/** The events whose lines are at `offset[order[i]]`, in that order (`cachedBlocks`: see BlockReader). */
export function* eventsAt(
  path: string,
  offset: Float64Array,
  length: Int32Array,
  order: Uint32Array,
  cachedBlocks?: number,
): Generator<BillingEvent> {
  const fd = openSync(path, 'r');
  try {
    const lines = new BlockReader(fd, cachedBlocks);
    for (let i = 0; i < order.length; i++) {
      const index = order[i];
      yield JSON.parse(lines.line(offset[index], length[index])) as BillingEvent;
    }
  } finally {
    closeSync(fd);
  }
}

/** Indexes of the events up to `asOf` (of one program, if given), by time then arrival. */
export function timeOrder(scanned: ScannedHistory, asOf: Instant, program?: number): Uint32Array {
  const { at, count } = scanned;
  let kept = 0;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    if (at[i] <= asOf && (program === undefined || scanned.program[i] === program)) {
      order[kept++] = i;
    }
  }
  return order.subarray(0, kept).sort((a, b) => at[a] - at[b] || a - b);
}
