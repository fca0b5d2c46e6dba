import { bearerKey } from './bearer';

describe('bearerKey', () => {
  it('reads the key of "Bearer <key>"', () => {
    expect(bearerKey('Bearer k-key')).toBe('k-key');
    expect(bearerKey('Bearer abc.DEF_123~+/=')).toBe('abc.DEF_123~+/=');
  });

  it('takes the scheme in any case, as HTTP does', () => {
    expect(bearerKey('bearer k-key')).toBe('k-key');
    expect(bearerKey('BEARER k-key')).toBe('k-key');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two spaces', 'Bearer  k-key'],
    ['a tab', 'Bearer\tk-key'],
    ['a leading space', ' Bearer k-key'],
    ['a trailing space', 'Bearer k-key '],
    ['a space inside the key', 'Bearer k key'],
    ['a newline', 'Bearer k-key\n'],
    ['another scheme', 'Basic k-key'],
    ['no scheme', 'k-key'],
    ['a scheme without its space', 'Bearerk-key'],
    ['a non-ASCII key', 'Bearer kéy'],
  ])('finds no key in %s', (_case, header) => {
    expect(bearerKey(header)).toBeUndefined();
  });
});
