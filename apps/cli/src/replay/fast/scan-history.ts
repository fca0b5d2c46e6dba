import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { validateBillingEvent } from '@referrals/contracts';
import { CodeClaims, codeConflictRule, parseInstant, ProgramRegistry } from '@referrals/domain';
import { BadLineError, ReadStats } from '../read-history';
import { GrowableFloat64, GrowableInt32 } from './growable';
import { SeenEvents } from './seen-events';

/**
 * Pass one over a history file, in arrival order: every line checked as the
 * API checks it, duplicates and code conflicts found, and of each accepted
 * event only three numbers kept (when it occurred, where its line starts, how
 * long it is). Pass two reads the lines again in time order.
 */
export interface ScannedHistory {
  readonly fd: number;
  /** Accepted events, in arrival order. */
  readonly count: number;
  readonly at: Float64Array;
  readonly offset: Float64Array;
  readonly length: Int32Array;
}

const CHUNK = 4 << 20;
const NEWLINE = 10;

export function scanHistory(
  path: string,
  programs: ProgramRegistry,
  stats: ReadStats,
  onProgress?: (bytesRead: number) => void,
): ScannedHistory {
  const fd = openSync(path, 'r');
  try {
    const expected = Math.ceil(fstatSync(fd).size / 160);
    const at = new GrowableFloat64(expected);
    const offset = new GrowableFloat64(expected);
    const length = new GrowableInt32(expected);
    const line = Buffer.allocUnsafe(64 << 10);
    const seen = new SeenEvents(expected, (index, program, id) => {
      const earlier = readLine(fd, offset.array[index], length.array[index], line);
      return earlier.program === program && earlier.id === id;
    });
    const codes = new CodeClaims();
    forEachLine(fd, onProgress, (text, start, bytes) => {
      const lineNo = ++stats.lines;
      if (text.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new BadLineError(lineNo, [
          { path: '(line)', rule: `is not valid JSON (${(error as Error).message})` },
        ]);
      }
      const result = validateBillingEvent(json, programs);
      if (!result.ok) throw new BadLineError(lineNo, result.problems);
      const event = result.value;
      if (!seen.add(event.program, event.id)) {
        stats.duplicates++;
        return;
      }
      if (event.type === 'referral_code.assigned') {
        const claim = codes.claim(event.program, event.data.code, event.accountId);
        if (!claim.claimed)
          throw new BadLineError(lineNo, [
            { path: 'data.code', rule: codeConflictRule(event.data.code) },
          ]);
      }
      stats.accepted++;
      at.push(parseInstant(event.occurredAt));
      offset.push(start);
      length.push(bytes);
    });
    return { fd, count: at.length, at: at.array, offset: offset.array, length: length.array };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Calls `visit` with each line's text, byte offset and byte length (the newline left out). */
function forEachLine(
  fd: number,
  onProgress: ((bytesRead: number) => void) | undefined,
  visit: (text: string, start: number, bytes: number) => void,
) {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let filled = 0; // bytes in buffer
  let base = 0; // file offset of buffer[0]
  let position = 0; // file offset to read next
  for (;;) {
    if (filled === buffer.length) {
      // One line longer than the buffer: make room for it.
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, filled, buffer.length - filled, position);
    position += read;
    filled += read;
    onProgress?.(position);
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end < 0 || end >= filled) break;
      visit(buffer.toString('utf8', start, end), base + start, end - start);
      start = end + 1;
    }
    if (read === 0) {
      if (start < filled)
        visit(buffer.toString('utf8', start, filled), base + start, filled - start);
      return;
    }
    buffer.copy(buffer, 0, start, filled);
    base += start;
    filled -= start;
  }
}

/** The line at `offset`, parsed (it was accepted once, so it parses). */
export function readLine(fd: number, offset: number, bytes: number, scratch: Buffer) {
  const buffer = bytes <= scratch.length ? scratch : Buffer.allocUnsafe(bytes);
  readSync(fd, buffer, 0, bytes, offset);
  return JSON.parse(buffer.toString('utf8', 0, bytes));
}
