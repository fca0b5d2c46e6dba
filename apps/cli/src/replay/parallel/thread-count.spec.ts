import { replayThreadCount } from './thread-count';

describe('how many threads a replay uses', () => {
  it('one unless asked: memory stays bounded by default', () => {
    expect(replayThreadCount({})).toBe(1);
  });

  it('REPLAY_THREADS decides when set to a whole number of at least 1, and is refused otherwise', () => {
    expect(replayThreadCount({ REPLAY_THREADS: '3' })).toBe(3);
    expect(replayThreadCount({ REPLAY_THREADS: '1' })).toBe(1);
    expect(() => replayThreadCount({ REPLAY_THREADS: 'many' })).toThrow(/^REPLAY_THREADS: /);
    expect(() => replayThreadCount({ REPLAY_THREADS: '0' })).toThrow(/^REPLAY_THREADS: /);
    expect(() => replayThreadCount({ REPLAY_THREADS: '2.5' })).toThrow(/^REPLAY_THREADS: /);
    // A thousand threads would start a thousand heaps: it hung; 2^32 ran out of memory.
    expect(replayThreadCount({ REPLAY_THREADS: '64' })).toBe(64);
    expect(() => replayThreadCount({ REPLAY_THREADS: '1000' })).toThrow(
      'REPLAY_THREADS: must be a whole number from 1 to 64, not "1000"',
    );
  });
});
