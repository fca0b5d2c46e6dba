import { replayThreadCount } from './thread-count';

const MB = 1 << 20;

describe('how many threads a replay uses', () => {
  it('one for a small history, whatever the machine', () => {
    expect(replayThreadCount(10 * MB, 3, {}, 16)).toBe(1);
  });

  it('one on two cores or fewer: there two parsing threads share the memory bandwidth', () => {
    expect(replayThreadCount(500 * MB, 3, {}, 2)).toBe(1);
    expect(replayThreadCount(500 * MB, 3, {}, 1)).toBe(1);
  });

  it('a thread per program or per core, whichever is more, at most two per core', () => {
    expect(replayThreadCount(500 * MB, 3, {}, 4)).toBe(4);
    expect(replayThreadCount(500 * MB, 12, {}, 4)).toBe(8);
    expect(replayThreadCount(500 * MB, 3, {}, 3)).toBe(3);
  });

  it('REPLAY_THREADS decides when set to a whole number of at least 1', () => {
    expect(replayThreadCount(1 * MB, 3, { REPLAY_THREADS: '3' }, 2)).toBe(3);
    expect(replayThreadCount(500 * MB, 3, { REPLAY_THREADS: '1' }, 16)).toBe(1);
    expect(replayThreadCount(500 * MB, 3, { REPLAY_THREADS: 'many' }, 2)).toBe(1);
    expect(replayThreadCount(500 * MB, 3, { REPLAY_THREADS: '0' }, 4)).toBe(4);
  });
});
