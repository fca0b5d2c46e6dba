import { forbiddenKeyPath } from './forbidden-keys';

describe('forbiddenKeyPath', () => {
  it('finds nothing in an ordinary body', () => {
    expect(forbiddenKeyPath([{ id: 'e1', data: { plan: 'pro', tags: ['a', { b: 1 }] } }])).toBe(
      undefined,
    );
    expect(forbiddenKeyPath('prototype')).toBeUndefined(); // a value, not a key
    expect(forbiddenKeyPath(null)).toBeUndefined();
  });

  it.each([
    ['{"__proto__": {"admin": true}}', '__proto__'],
    ['{"data": {"constructor": {"prototype": {}}}}', 'data.constructor'],
    ['[{"ok": 1}, {"data": {"list": [0, {"prototype": 1}]}}]', '[1].data.list[1].prototype'],
  ])('names the path of the key in %s', (json, path) => {
    expect(forbiddenKeyPath(JSON.parse(json))).toBe(path);
  });

  it('walks a body nested 100,000 deep without running out of stack', () => {
    const depth = 100_000;
    const nested = JSON.parse(`${'['.repeat(depth)}{"__proto__": 1}${']'.repeat(depth)}`);
    // Recursion would overflow the stack; a quadratic walk would outlast the test's timeout.
    expect(forbiddenKeyPath(nested)).toBe(`${'[0]'.repeat(depth)}.__proto__`);
  });
});
