import type { Position } from '@eventstore/db-client';

/**
 * An EventStoreDB `$all` position is a pair: the commit position (where the
 * write was committed in the log) and the prepare position (where the event
 * itself sits). $all is ordered by the pair, commit first. An event appended
 * over gRPC commits itself, so its two parts are equal; the events of a
 * legacy (TCP) explicit transaction share the commit position of their
 * commit record and differ only in prepare, which lies before it.
 *
 * The port's global position is one bigint, and the SQL checkpoint tables
 * keep it in a signed 64-bit column, so both parts are packed into 63 bits,
 * order-preserving: the commit position above, and below it how far the
 * prepare position lies behind the commit (an event appended over gRPC: 0).
 *
 *   global = commit × 2^16 + (0xFFFF − (commit − prepare))
 *
 * The low part 0 is never an event's: it reads back as prepare 0, "before
 * every event of this commit". That leaves
 * commit positions below 2^47 (a 128 TiB log) and transaction events within
 * 64 KiB of their commit record; anything else is refused, never mis-ordered.
 */
const LOW_BITS = 16n;
const LOW_MASK = (1n << LOW_BITS) - 1n;
const MAX_COMMIT = (1n << (63n - LOW_BITS)) - 1n;

/** The server sends 2^64-1 for "no position" (an event read from a stream index only). */
const UNKNOWN = 2n ** 63n;

export const isKnownPosition = (position: Position | undefined): position is Position =>
  position !== undefined && position.commit < UNKNOWN && position.prepare < UNKNOWN;

/** The $all order: commit position first, then prepare position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** An event's position as the port's global position, exactly (throws when it cannot be). */
export function toGlobalPosition(position: Position): bigint {
  const behind = position.commit - position.prepare;
  if (position.commit < 0n || position.commit > MAX_COMMIT || behind < 0n || behind >= LOW_MASK) {
    throw new RangeError(
      `EventStoreDB position ${position.commit}/${position.prepare} does not fit a global position ` +
        '(commit below 2^47, prepare at most 64 KiB before it)',
    );
  }
  return (position.commit << LOW_BITS) | (LOW_MASK - behind);
}

/** The $all position a global position stands for (the inverse of toGlobalPosition). */
export function fromGlobalPosition(global: bigint): Position {
  if (global < 0n) throw new RangeError(`global position ${global} is before the start of $all`);
  const commit = global >> LOW_BITS;
  const low = global & LOW_MASK;
  const prepare = commit - (LOW_MASK - low);
  return { commit, prepare: low === 0n || prepare < 0n ? 0n : prepare };
}
