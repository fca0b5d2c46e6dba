import { ReorderWindow } from './reorder-window';

const WINDOW = 5_000;
const t = (seconds: number) => Date.UTC(2026, 0, 1) + seconds * 1000;

describe('the reordering window', () => {
  describe('when events arrive a little out of order', () => {
    it('lets them out in occurredAt order once the newest is a window past them', () => {
      const window = new ReorderWindow<string>(WINDOW);
      window.push('b', t(2), 0);
      window.push('a', t(1), 0);
      window.push('c', t(3), 0);
      expect(window.release(0)).toEqual([]);
      window.push('d', t(7), 0); // newest is now 7 s: everything up to 2 s may go
      expect(window.release(0)).toEqual(['a', 'b']);
      expect(window.size).toBe(2);
    });

    it('keeps arrival order between events of the same instant', () => {
      const window = new ReorderWindow<string>(WINDOW);
      window.push('first', t(1), 0);
      window.push('second', t(1), 0);
      window.push('later', t(10), 0);
      expect(window.release(0)).toEqual(['first', 'second']);
    });
  });

  describe('when it is asked when to look again', () => {
    it('names the moment the first event still held will have waited a window', () => {
      const window = new ReorderWindow<string>(WINDOW);
      expect(window.nextReleaseAt()).toBeUndefined();
      window.push('a', t(1), 1_000);
      window.push('b', t(2), 3_000);
      expect(window.nextReleaseAt()).toBe(6_000);
      expect(window.release(6_000)).toEqual(['a']);
      expect(window.nextReleaseAt()).toBe(8_000);
      expect(window.release(8_000)).toEqual(['b']);
      expect(window.nextReleaseAt()).toBeUndefined();
    });
  });

  describe('when the upstream goes quiet', () => {
    it('lets events out after they have waited a window of wall-clock time', () => {
      const window = new ReorderWindow<string>(WINDOW);
      window.push('b', t(2), 1_000);
      window.push('a', t(1), 1_000);
      expect(window.release(5_999)).toEqual([]);
      expect(window.release(6_000)).toEqual(['a', 'b']);
      expect(window.isQuiet(6_000)).toBe(true);
    });

    it('is not quiet while it holds events or has just received one', () => {
      const window = new ReorderWindow<string>(WINDOW);
      window.push('a', t(1), 1_000);
      expect(window.isQuiet(2_000)).toBe(false);
      window.release(6_000);
      expect(window.isQuiet(5_999)).toBe(false);
    });
  });

  describe('when an event older than what was applied arrives', () => {
    it('lets it out at once', () => {
      const window = new ReorderWindow<string>(WINDOW);
      window.push('a', t(1), 0);
      window.push('z', t(20), 0);
      expect(window.release(0)).toEqual(['a']);
      window.push('late', t(2), 0);
      expect(window.release(0)).toEqual(['late']);
    });
  });

  it('reports what it still holds', () => {
    const window = new ReorderWindow<string>(WINDOW);
    window.push('a', t(1), 0);
    window.push('b', t(2), 0);
    expect(window.heldItems().sort()).toEqual(['a', 'b']);
  });
});
