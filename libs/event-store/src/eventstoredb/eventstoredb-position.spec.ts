import {
  comparePositions,
  fromGlobalPosition,
  isKnownPosition,
  toGlobalPosition,
} from './eventstoredb-position';

describe('EventStoreDB positions as global positions', () => {
  // $all in order: gRPC appends (commit = prepare) around a legacy transaction whose three
  // events share the commit position of their commit record, after their prepares.
  const log = [
    { commit: 100n, prepare: 100n },
    { commit: 200n, prepare: 200n },
    { commit: 600n, prepare: 300n },
    { commit: 600n, prepare: 400n },
    { commit: 600n, prepare: 500n },
    { commit: 700n, prepare: 700n },
    { commit: 2n ** 46n, prepare: 2n ** 46n },
  ];

  it('given events in $all order, then their global positions are distinct and in the same order', () => {
    const globals = log.map(toGlobalPosition);
    expect(new Set(globals).size).toBe(log.length);
    globals.slice(1).forEach((g, i) => expect(g).toBeGreaterThan(globals[i]));
    // The same order as the server's: commit first, then prepare.
    log.slice(1).forEach((p, i) => expect(comparePositions(log[i], p)).toBe(-1));
  });

  it('given a global position, then both parts come back exactly', () => {
    for (const position of log)
      expect(fromGlobalPosition(toGlobalPosition(position))).toEqual(position);
  });

  it('fits the signed 64-bit column the SQL checkpoint tables use', () => {
    const largest = toGlobalPosition({ commit: 2n ** 47n - 1n, prepare: 2n ** 47n - 1n });
    expect(largest).toBeLessThan(2n ** 63n);
  });

  it('refuses what it cannot keep exact, rather than order it wrongly', () => {
    expect(() => toGlobalPosition({ commit: 2n ** 47n, prepare: 2n ** 47n })).toThrow(RangeError);
    expect(() => toGlobalPosition({ commit: 100_000n, prepare: 0n })).toThrow(/64 KiB/);
    expect(() => toGlobalPosition({ commit: 5n, prepare: 6n })).toThrow(RangeError);
    expect(() => fromGlobalPosition(-1n)).toThrow(RangeError);
  });

  it('knows the "no position" the server sends for events read from a stream', () => {
    expect(isKnownPosition(undefined)).toBe(false);
    expect(isKnownPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toBe(false);
    expect(isKnownPosition({ commit: 0n, prepare: 0n })).toBe(true);
  });
});
