import { percentOf } from './rounding';

describe('percentOf', () => {
  it('rounds halves to even (25 % of 90 minutes is 22)', () => {
    expect(percentOf(90, 2500, 'half_even')).toBe(22);
    expect(percentOf(360, 2500, 'half_even')).toBe(90);
    expect(percentOf(1200, 2500, 'half_even')).toBe(300);
    expect(percentOf(94, 2500, 'half_even')).toBe(24); // 23.5 → 24
  });
  it('rounds halves up, down and up as asked', () => {
    expect(percentOf(90, 2500, 'half_up')).toBe(23);
    expect(percentOf(91, 2500, 'down')).toBe(22);
    expect(percentOf(89, 2500, 'up')).toBe(23);
  });
});
