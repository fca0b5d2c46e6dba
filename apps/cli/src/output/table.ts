import Table from 'cli-table3';
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

/** Column widths (padding included) whose sum, with the borders, is at most `width` if it can be. */
export function fitWidths(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
): number[] {
  const widths = head.map(
    (title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)) + PADDING,
  );
  // A header word never breaks: it is each column's narrowest.
  const narrowest = head.map(
    (title) => Math.max(4, ...title.split(' ').map((w) => w.length)) + PADDING,
  );
  let excess = widths.reduce((sum, w) => sum + w, 0) + head.length + 1 - width;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++)
      if (widths[i] > narrowest[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
    if (widest < 0) break;
    widths[widest] -= 1;
    excess -= 1;
  }
  return widths;
}

/** Lines of at most `width` characters: breaks at spaces, and inside words longer than a line. */
export function wrapText(text: string, width: number): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (word.length > width) {
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    line = word;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
