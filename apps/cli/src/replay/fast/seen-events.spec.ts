import { SeenEvents } from './seen-events';

/** Dedupe by 64-bit hash: a repeat is found, and a collision never drops a new event. */
describe('SeenEvents', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => ['callrail', `event-${i}`] as const);

  it('takes each (program, id) once, across growth of its table', () => {
    const seen = new SeenEvents(
      4,
      (index, program, id) => keys[index][0] === program && keys[index][1] === id,
    );
    for (const [program, id] of keys) expect(seen.add(program, id)).toBe(true);
    for (const [program, id] of keys) expect(seen.add(program, id)).toBe(false);
    expect(seen.add('kallyai', 'event-1')).toBe(true); // same id, another program
    expect(seen.size).toBe(keys.length + 1);
  });

  describe('when every key has the same hash', () => {
    it('tells keys apart by reading the earlier event back', () => {
      const stored: [string, string][] = [];
      let readsBack = 0;
      const seen = new SeenEvents(
        16,
        (index, program, id) => {
          readsBack++;
          return stored[index][0] === program && stored[index][1] === id;
        },
        () => 42,
      );
      for (const [program, id] of keys.slice(0, 300)) {
        expect(seen.add(program, id)).toBe(true);
        stored.push([program, id]);
      }
      expect(readsBack).toBeGreaterThan(300);
      expect(seen.add('callrail', 'event-299')).toBe(false);
      expect(seen.add('callrail', 'event-0')).toBe(false);
      expect(seen.size).toBe(300);
    });
  });
});
