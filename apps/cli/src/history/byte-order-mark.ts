import { readSync } from 'node:fs';

/**
 * A UTF-8 byte order mark, which some editors and spreadsheet exports write
 * at the start of a file. JSON texts may not carry one, and a reader may
 * ignore it (RFC 8259, 8.1): the CLI does, at the start of a history or a
 * program file, rather than refuse line 1 for a character nobody sees.
 */
const MARK = '\ufeff';
const MARK_BYTES = Buffer.from(MARK, 'utf8');

export const startsWithByteOrderMark = (text: string): boolean => text.startsWith(MARK);

/** The text without a byte order mark at its start. */
export const withoutByteOrderMark = (text: string): string =>
  startsWithByteOrderMark(text) ? text.slice(MARK.length) : text;

/** Where a file's first line starts when read from `start`: past a mark at byte 0. */
export function afterByteOrderMark(fd: number, start: number): number {
  if (start !== 0) return start;
  const head = Buffer.alloc(MARK_BYTES.length);
  const read = readSync(fd, head, 0, head.length, 0);
  return read === head.length && head.equals(MARK_BYTES) ? head.length : 0;
}
