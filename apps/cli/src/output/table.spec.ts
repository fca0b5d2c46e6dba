import stringWidth from 'string-width';
import { fitWidths, renderTable, wrapText } from './table';

/** Tables on a terminal: within its columns, characters whole. */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const widest = (text: string) => Math.max(...text.split('\n').map((line) => stringWidth(line)));

describe('a table cell that wraps', () => {
  it('breaks at spaces, then inside a word too long for a line', () => {
    expect(wrapText('referred by firm', 8)).toBe('referred\nby firm');
    expect(wrapText('abcdefghij', 4)).toBe('abcd\nefgh\nij');
  });

  it('breaks a long JSON value after a comma before it cuts a key in two', () => {
    const value = '{"at":"2026-01-12T09:30:00.000Z","plan":"vr-50","beforeSignup":false}';
    expect(wrapText(`firstActivation: (none) → ${value}`, 60).split('\n')).toEqual([
      'firstActivation: (none) →',
      '{"at":"2026-01-12T09:30:00.000Z","plan":"vr-50",',
      '"beforeSignup":false}',
    ]);
    // A piece between commas longer than a line is still cut to fit.
    expect(wrapText('aaaaaa,bbbbbbbbbb,c', 8)).toBe('aaaaaa,\nbbbbbbbb\nbb,c');
  });

  it('never cuts an emoji, or a letter from its accent, in half', () => {
    const emoji = '😀'.repeat(41);
    const wrapped = wrapText(emoji, 15);
    // Half an emoji is a lone surrogate here, and U+FFFD once written out.
    for (const line of wrapped.split('\n')) expect(line).not.toMatch(LONE_SURROGATE);
    expect(wrapped.replace(/\n/g, '')).toBe(emoji);
    expect(widest(wrapped)).toBeLessThanOrEqual(15);
    const accented = 'e\u0301'.repeat(10); // é as e + a combining accent
    expect(wrapText(accented, 4).split('\n')).toEqual([
      'e\u0301'.repeat(4),
      'e\u0301'.repeat(4),
      'e\u0301'.repeat(2),
    ]);
  });
});

describe('the widths of a table', () => {
  const head = ['referee account', 'status', 'successful payments'];
  const rows = [['a'.repeat(60), 'pending', '3']];
  const drawn = (columns: number) =>
    renderTable(head, rows, { color: false, progress: false, columns });

  it('fit the terminal by narrowing the widest column first', () => {
    expect(widest(drawn(100))).toBeLessThanOrEqual(100);
    expect(widest(drawn(60))).toBeLessThanOrEqual(60);
  });

  it('fit a terminal narrower than the header words, breaking them last', () => {
    expect(fitWidths(head, rows, 40).reduce((sum, w) => sum + w, 0) + head.length + 1).toBe(40);
    expect(widest(drawn(30))).toBeLessThanOrEqual(30);
  });

  it('count an emoji as the two columns it takes', () => {
    const emoji = [['😀'.repeat(41), 'pending', '0']];
    const table = renderTable(head, emoji, { color: false, progress: false, columns: 60 });
    expect(widest(table)).toBeLessThanOrEqual(60);
    expect(table).not.toContain('\ufffd');
  });
});
