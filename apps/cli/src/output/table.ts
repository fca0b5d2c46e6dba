import Table from 'cli-table3';
// The measure cli-table3 itself draws with: an emoji or a CJK character takes two columns.
import stringWidth from 'string-width';
import type { Terminal } from './terminal';

/**
 * One table that fits `terminal.columns`: columns keep their natural width
 * while they fit, and the widest give way first (their cells wrap at spaces,
 * long ids are cut across lines).
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  terminal: Terminal,
): string {
  const widths = fitWidths(head, rows, terminal.columns);
  const inner = widths.map((w) => w - PADDING);
  const table = new Table({
    head: head.map((title, i) => {
      const wrapped = wrapText(title, inner[i]);
      return terminal.color ? cyan(wrapped) : wrapped;
    }),
    colWidths: widths,
    // Colour is decided here (terminal.color), not by cli-table3's own guess about the terminal.
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(row.map((cell, i) => wrapText(cell, inner[i])));
  return table.toString();
}

const PADDING = 2;

/** Cyan, line by line, so a wrapped header keeps its colour; cli-table3 measures without the codes. */
const cyan = (text: string) =>
  text
    .split('\n')
    .map((line) => `\u001b[36m${line}\u001b[39m`)
    .join('\n');

/**
 * Column widths (padding included) whose sum, with the borders, is at most
 * `width` if it can be: the widest columns give way first, down to their
 * longest header word; on a terminal narrower still, down to one character.
 */
export function fitWidths(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
): number[] {
  const widths = head.map(
    (title, i) =>
      Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[i] ?? ''))) + PADDING,
  );
  // A header word breaks only when nothing else is left to give.
  const wholeWords = head.map(
    (title) => Math.max(4, ...title.split(' ').map((w) => stringWidth(w))) + PADDING,
  );
  let excess = widths.reduce((sum, w) => sum + w, 0) + head.length + 1 - width;
  for (const floor of [wholeWords, head.map(() => 1 + PADDING)]) {
    while (excess > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++)
        if (widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
      if (widest < 0) break;
      widths[widest] -= 1;
      excess -= 1;
    }
  }
  return widths;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const AFTER_COMMA = /(?<=,)/;

/**
 * Lines at most `width` columns wide: breaks at spaces; inside a word longer
 * than a line, after its commas first (a JSON value breaks between its
 * members, not inside a key), then between characters as people see them (an
 * emoji, or a letter with its accents, is never cut in half).
 */
export function wrapText(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const flush = () => {
    if (line !== '') lines.push(line);
    line = '';
    lineWidth = 0;
  };
  for (const word of text.split(' ')) {
    const wordWidth = stringWidth(word);
    if (line !== '' && lineWidth + 1 + wordWidth <= width) {
      line += ` ${word}`;
      lineWidth += 1 + wordWidth;
      continue;
    }
    flush();
    for (const piece of wordWidth > width ? word.split(AFTER_COMMA) : [word]) {
      const pieceWidth = stringWidth(piece);
      if (lineWidth + pieceWidth > width) flush();
      for (const { segment } of graphemes.segment(piece)) {
        const segmentWidth = stringWidth(segment);
        if (line !== '' && lineWidth + segmentWidth > width) flush();
        line += segment;
        lineWidth += segmentWidth;
      }
    }
  }
  flush();
  return lines.join('\n');
}
