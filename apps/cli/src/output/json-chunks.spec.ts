import { JsonList, prettyJsonChunks } from './json-chunks';

/** The chunked form is JSON.stringify(value, null, 2), byte for byte. */
describe('prettyJsonChunks', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['empty arrays', { asOf: '2026-01-01T00:00:00.000Z', referrals: [], rewards: [] }],
    [
      'nested objects, strings to escape, optional fields',
      {
        asOf: 'x',
        referrals: [
          { a: 1, b: 'say "hi"\n', c: [1, 'two', { d: null }], e: [], f: {} },
          { a: 2, u: undefined, nested: { deeper: { list: ['é', '\u2028'] } } },
        ],
        rewards: [{ amount: 100 }],
        count: 3,
        none: undefined,
      },
    ],
    ['no fields', {}],
  ];
  it.each(cases)('%s', (_name, value) => {
    for (const size of [1, 10, 1 << 20])
      expect([...prettyJsonChunks(value, size)].join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('cuts a long array into chunks of about the size asked', () => {
    const value = { items: Array.from({ length: 1000 }, (_, i) => ({ i, text: 'x'.repeat(50) })) };
    const chunks = [...prettyJsonChunks(value, 4096)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(4096 + 200);
    expect(chunks.join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('writes a JsonList as the array it reads, items read only as they are written', () => {
    const items = [{ a: 1, b: ['x', { c: null }] }, { a: 2 }, 'three'];
    let read = 0;
    const list = new JsonList(function* () {
      for (const item of items) {
        read++;
        yield item;
      }
    }, items.length);
    const chunks = prettyJsonChunks({ asOf: 'x', items: list, none: new JsonList(() => [], 0) }, 1);
    expect(chunks.next().value).toBe(
      '{\n  "asOf": "x",\n  "items": [\n    {\n      "a": 1,\n      "b": [\n        "x",\n        {\n          "c": null\n        }\n      ]\n    }',
    );
    expect(read).toBe(1);
    const rest = [...chunks].join('');
    expect(read).toBe(3);
    expect(
      `{\n  "asOf": "x",\n  "items": [\n    {\n      "a": 1,\n      "b": [\n        "x",\n        {\n          "c": null\n        }\n      ]\n    }${rest}`,
    ).toBe(JSON.stringify({ asOf: 'x', items, none: [] }, null, 2));
  });
});
