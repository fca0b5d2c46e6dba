import type { ExpectedVersion } from './event-store.port';

/** Whether a stream at `current` (its last position, -1n when empty) meets the writer's expectation. */
export function versionMatches(expected: ExpectedVersion, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current >= 0n;
  return expected === current;
}
