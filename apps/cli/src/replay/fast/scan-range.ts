import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { Problem, validateBillingEvent } from '@referrals/contracts';
import { parseInstant, ProgramRegistry } from '@referrals/domain';
import { afterByteOrderMark } from '../../history/byte-order-mark';
import { isBlankLine, notJsonRule } from '../read-history';
import { float64s, Growable, int32s, uint8s } from './growable';
import { murmur } from './seen-events';

/** A code claim met in a range: checked against earlier claims once duplicates are known. */
export interface RangeClaim {
  /** The claiming event's index in its range. */
  readonly index: number;
  readonly line: number;
  readonly code: string;
  readonly accountId: string;
}

/** A signup that names a referrer (by id or code): its accounts take part in a referral. */
export interface RangeReferralLink {
  readonly program: number;
  readonly refereeId: string;
  readonly referrerAccountId?: string;
  readonly referralCode?: string;
}

/**
 * What pass one keeps of the lines of one byte range of a history file, in
 * arrival order: every line checked as the API checks it, and of each valid
 * event a few numbers (no object is kept). Duplicates and code conflicts are
 * judged later, across ranges, in arrival order (see mergeRanges).
 */
export interface ScannedRange {
  /** Valid events in the range. */
  readonly count: number;
  /** Lines in the range, blank ones included, up to the first bad one. */
  readonly lines: number;
  readonly at: Float64Array;
  readonly offset: Float64Array;
  readonly length: Int32Array;
  /** The event's program, as an index into the registry's program ids. */
  readonly program: Uint8Array;
  /** Two independent 32-bit hashes of `(program, id)`. */
  readonly hashHi: Int32Array;
  readonly hashLo: Int32Array;
  /** A 32-bit hash of `(program, accountId)`: which account's fact it is (see takingPart). */
  readonly account: Int32Array;
  readonly claims: RangeClaim[];
  readonly links: RangeReferralLink[];
  /** The range's first bad line (its number within the range), after which nothing was read. */
  readonly badLine?: { readonly line: number; readonly problems: readonly Problem[] };
}

const CHUNK = 4 << 20;
const NEWLINE = 10;

/** Scans the lines that start in `[start, end)` of the file (`start` is a line start). */
export function scanRange(
  path: string,
  start: number,
  end: number,
  programs: ProgramRegistry,
  onProgress?: (bytesRead: number) => void,
): ScannedRange {
  const programIndex = new Map(programs.programIds().map((id, index) => [id, index]));
  const expected = expectedLines(path, start, end);
  const at = new Growable(float64s, expected);
  const offset = new Growable(float64s, expected);
  const length = new Growable(int32s, expected);
  const program = new Growable(uint8s, expected);
  const hashHi = new Growable(int32s, expected);
  const hashLo = new Growable(int32s, expected);
  const account = new Growable(int32s, expected);
  const claims: RangeClaim[] = [];
  const links: RangeReferralLink[] = [];
  let lines = 0;
  let badLine: ScannedRange['badLine'];
  const fd = openSync(path, 'r');
  try {
    const first = afterByteOrderMark(fd, start);
    forEachLine(fd, first, end, onProgress, (text, lineStart, bytes, utf8) => {
      const line = ++lines;
      if (!utf8) {
        // As the API answers such a body: decoding would replace the bytes, and
        // two ids that differ only there would be one.
        badLine = { line, problems: [{ path: '(line)', rule: 'is not valid UTF-8' }] };
        return false;
      }
      if (isBlankLine(text)) return true;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        const rule = notJsonRule(text, error as Error);
        badLine = { line, problems: [{ path: '(line)', rule }] };
        return false;
      }
      const result = validateBillingEvent(json, programs);
      if (!result.ok) {
        badLine = { line, problems: result.problems };
        return false;
      }
      const event = result.value;
      const programAt = programIndex.get(event.program) as number;
      if (event.type === 'referral_code.assigned') {
        claims.push({ index: at.length, line, code: event.data.code, accountId: event.accountId });
      } else if (event.type === 'account.signed_up') {
        const { referrerAccountId, referralCode } = event.data;
        if (referrerAccountId !== undefined || referralCode !== undefined) {
          links.push({
            program: programAt,
            refereeId: event.accountId,
            referrerAccountId,
            referralCode,
          });
        }
      }
      at.push(parseInstant(event.occurredAt));
      offset.push(lineStart);
      length.push(bytes);
      program.push(programAt);
      hashHi.push(murmur(event.program, event.id, HASH_SEED_HI));
      hashLo.push(murmur(event.program, event.id, HASH_SEED_LO));
      account.push(murmur(event.program, event.accountId, ACCOUNT_SEED));
      return true;
    });
  } finally {
    closeSync(fd);
  }
  const count = at.length;
  return {
    count,
    lines,
    at: at.values(),
    offset: offset.values(),
    length: length.values(),
    program: program.values(),
    hashHi: hashHi.values(),
    hashLo: hashLo.values(),
    account: account.values(),
    claims,
    links,
    badLine,
  };
}

/**
 * About how many lines `[start, end)` holds (and a little over), from the
 * lines in eight 32 KiB probes spread over it (a history's lines differ in
 * length from its start to its end), so that pass one's arrays rarely grow
 * and seldom have much room to spare.
 */
function expectedLines(path: string, start: number, end: number): number {
  const PROBES = 8;
  const probe = Buffer.allocUnsafe(32 << 10);
  const fd = openSync(path, 'r');
  let read = 0;
  let lines = 0;
  try {
    for (let i = 0; i < PROBES; i++) {
      const from = start + Math.floor(((end - start) * i) / PROBES);
      const got = readSync(fd, probe, 0, Math.min(probe.length, end - from), from);
      read += got;
      for (
        let at = probe.indexOf(NEWLINE);
        at >= 0 && at < got;
        at = probe.indexOf(NEWLINE, at + 1)
      ) {
        lines++;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (read === 0 || lines === 0) return 16;
  return Math.ceil(((end - start) * lines * 1.03) / read);
}

export const HASH_SEED_HI = 0x9747b28c;
export const HASH_SEED_LO = 0x5bd1e995;
export const ACCOUNT_SEED = 0x2545f491;

/**
 * Calls `visit` with the text, file offset and byte length (newline left out)
 * of each line starting in `[start, end)`, and whether its bytes are valid
 * UTF-8, until it returns false.
 */
function forEachLine(
  fd: number,
  start: number,
  end: number,
  onProgress: ((bytesRead: number) => void) | undefined,
  visit: (text: string, start: number, bytes: number, utf8: boolean) => boolean,
) {
  let buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1 << 16, end - start + 1)));
  let filled = 0; // bytes in buffer
  let base = start; // file offset of buffer[0]
  let position = start; // file offset to read next
  for (;;) {
    if (filled === buffer.length) {
      // One line longer than the buffer: make room for it.
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    // Past `end` only to finish the range's last line.
    const read = readSync(fd, buffer, filled, buffer.length - filled, position);
    position += read;
    filled += read;
    onProgress?.(Math.min(position, end) - start);
    // No byte of a UTF-8 sequence is a newline, so one check of the whole
    // lines in the buffer serves them all; only when it fails is each line
    // checked on its own.
    const lastNewline = filled > 0 ? buffer.lastIndexOf(NEWLINE, filled - 1) : -1;
    const allUtf8 = lastNewline < 0 || isUtf8(buffer.subarray(0, lastNewline));
    const lineUtf8 = (from: number, to: number) => allUtf8 || isUtf8(buffer.subarray(from, to));
    let from = 0;
    for (;;) {
      if (base + from >= end) return;
      const newline = buffer.indexOf(NEWLINE, from);
      if (newline < 0 || newline >= filled) break;
      const text = buffer.toString('utf8', from, newline);
      if (!visit(text, base + from, newline - from, lineUtf8(from, newline))) return;
      from = newline + 1;
    }
    if (read === 0) {
      if (from < filled) {
        const text = buffer.toString('utf8', from, filled);
        visit(text, base + from, filled - from, isUtf8(buffer.subarray(from, filled)));
      }
      return;
    }
    buffer.copy(buffer, 0, from, filled);
    base += from;
    filled -= from;
  }
}

/** Byte offsets that cut a file into about `parts` ranges, each starting at a line start. */
export function lineAlignedCuts(path: string, size: number, parts: number): number[] {
  const cuts = [0];
  const fd = openSync(path, 'r');
  try {
    const probe = Buffer.allocUnsafe(64 << 10);
    for (let part = 1; part < parts; part++) {
      let position = Math.max(Math.floor((size * part) / parts), cuts[cuts.length - 1]);
      for (;;) {
        const read = readSync(fd, probe, 0, probe.length, position);
        if (read === 0) {
          position = size;
          break;
        }
        const newline = probe.indexOf(NEWLINE);
        if (newline >= 0 && newline < read) {
          position += newline + 1;
          break;
        }
        position += read;
      }
      if (position >= size) break;
      if (position > cuts[cuts.length - 1]) cuts.push(position);
    }
  } finally {
    closeSync(fd);
  }
  cuts.push(size);
  return cuts;
}
