import type { BillingEvent } from '@referrals/contracts';
import type { Instant } from '@referrals/domain';
import { BlockReader } from './block-reader';
import type { ScannedHistory } from './scan-history';

/**
 * Pass two: the accepted events up to `asOf`, in `occurredAt` order (ties:
 * arrival order), each line read again from the file and parsed. Only the
 * order (four bytes an event) is sorted; no event is held or spilled.
 */
export function* timeOrderedEvents(
  scanned: ScannedHistory,
  asOf: Instant,
): Generator<BillingEvent> {
  const order = timeOrder(scanned, asOf);
  const lines = new BlockReader(scanned.fd);
  const { offset, length } = scanned;
  for (let i = 0; i < order.length; i++) {
    const index = order[i];
    yield JSON.parse(lines.line(offset[index], length[index])) as BillingEvent;
  }
}

/** Indexes of the events up to `asOf`, by time then arrival. */
export function timeOrder(scanned: ScannedHistory, asOf: Instant): Uint32Array {
  const { at, count } = scanned;
  let kept = 0;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) if (at[i] <= asOf) order[kept++] = i;
  return order.subarray(0, kept).sort((a, b) => at[a] - at[b] || a - b);
}
