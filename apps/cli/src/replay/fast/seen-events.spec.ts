import { murmur, SeenEvents } from './seen-events';

/** Dedupe by 64-bit hash: a repeat is found, and a collision never drops a new event. */
describe('SeenEvents', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => ['callrail', `event-${i}`] as const);

  /** Adds keys as the replay does: hashes worked out beforehand, the kept keys read back on a match. */
  function keeper(hash: (program: string, id: string, seed: number) => number) {
    const kept: (readonly [string, string])[] = [];
    let adding: readonly [string, string] = ['', ''];
    let readsBack = 0;
    const seen = new SeenEvents(4, (index) => {
      readsBack++;
      return kept[index][0] === adding[0] && kept[index][1] === adding[1];
    });
    return {
      seen,
      readsBack: () => readsBack,
      add(program: string, id: string) {
        adding = [program, id];
        const added = seen.add(hash(program, id, 1), hash(program, id, 2));
        if (added) kept.push(adding);
        return added;
      },
    };
  }

  it('takes each (program, id) once, across growth of its table', () => {
    const k = keeper(murmur);
    for (const [program, id] of keys) expect(k.add(program, id)).toBe(true);
    for (const [program, id] of keys) expect(k.add(program, id)).toBe(false);
    expect(k.add('kallyai', 'event-1')).toBe(true); // same id, another program
    expect(k.seen.size).toBe(keys.length + 1);
  });

  it('hashes the program and the id apart: ("ab", "c") is not ("a", "bc")', () => {
    expect(murmur('ab', 'c', 7)).not.toBe(murmur('a', 'bc', 7));
  });

  describe('when every key has the same hash', () => {
    it('tells keys apart by reading the earlier event back', () => {
      const k = keeper(() => 42);
      for (const [program, id] of keys.slice(0, 300)) expect(k.add(program, id)).toBe(true);
      expect(k.readsBack()).toBeGreaterThan(300);
      expect(k.add('callrail', 'event-299')).toBe(false);
      expect(k.add('callrail', 'event-0')).toBe(false);
      expect(k.seen.size).toBe(300);
    });
  });

  it('compacts hashes handed in in place, and answers as with arrays of its own', () => {
    // Every fourth key a repeat of an earlier one, as duplicate deliveries are.
    const ids = Array.from({ length: 3000 }, (_, i) => `event-${i % 4 === 3 ? i - 2 : i}`);
    const hashHi = Int32Array.from(ids, (id) => murmur('callrail', id, 1));
    const hashLo = Int32Array.from(ids, (id) => murmur('callrail', id, 2));
    const kept: string[] = [];
    let adding = '';
    const sameKey = (index: number) => kept[index] === adding;
    const inPlace = new SeenEvents(ids.length, sameKey, { hashHi, hashLo });
    const ownKept: string[] = [];
    const ownArrays = new SeenEvents(4, (index) => ownKept[index] === adding);
    const own: boolean[] = [];
    const answers = ids.map((id, i) => {
      adding = id;
      const ownAdded = ownArrays.add(murmur('callrail', id, 1), murmur('callrail', id, 2));
      if (ownAdded) ownKept.push(id);
      own.push(ownAdded);
      const added = inPlace.add(hashHi[i], hashLo[i]);
      if (added) kept.push(id);
      return added;
    });
    expect(answers).toEqual(own);
    expect(inPlace.size).toBe(new Set(ids).size);
    expect(Array.from(hashHi.subarray(0, kept.length))).toEqual(
      kept.map((id) => murmur('callrail', id, 1)),
    );
  });
});
