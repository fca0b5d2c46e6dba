import { UsageError } from '../usage-error';
import { wholeNumberFromEnv } from './whole-number-env';

describe('a whole-number tuning variable', () => {
  it('is its value when set to a whole number of at least 1, the default when unset or empty', () => {
    expect(wholeNumberFromEnv({ N: '3' }, 'N', 7)).toBe(3);
    expect(wholeNumberFromEnv({ N: ' 12 ' }, 'N', 7)).toBe(12);
    expect(wholeNumberFromEnv({}, 'N', 7)).toBe(7);
    expect(wholeNumberFromEnv({ N: '' }, 'N', 7)).toBe(7);
  });

  it.each(['many', '0', '-2', '2.5', '1e400', '0x2', '1e0', '2.0', '9007199254740993'])(
    'refuses %p, naming the variable',
    (raw) => {
      const read = () => wholeNumberFromEnv({ REPLAY_THREADS: raw }, 'REPLAY_THREADS', 1);
      expect(read).toThrow(UsageError);
      expect(read).toThrow(`REPLAY_THREADS: must be a whole number of at least 1, not "${raw}"`);
    },
  );

  it('refuses a number past its bound, saying the range', () => {
    expect(wholeNumberFromEnv({ N: '64' }, 'N', 1, 64)).toBe(64);
    expect(() => wholeNumberFromEnv({ N: '65' }, 'N', 1, 64)).toThrow(
      'N: must be a whole number from 1 to 64, not "65"',
    );
  });
});
