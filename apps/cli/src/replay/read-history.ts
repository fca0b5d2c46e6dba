import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BillingEvent, Problem, validateBillingEvent } from '@referrals/contracts';
import { CodeClaims, codeConflictRule, parseInstant, ProgramRegistry } from '@referrals/domain';
import { startsWithByteOrderMark, withoutByteOrderMark } from '../history/byte-order-mark';

/** One accepted event of a history file, with its arrival rank (ties in time keep input order). */
export interface HistoryEntry {
  readonly seq: number;
  readonly at: number;
  readonly event: BillingEvent;
}

/** A line that breaks CONTRACT §1; the replay stops on the first one. Its message is one line. */
export class BadLineError extends Error {
  constructor(
    readonly line: number,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => `line ${line}: ${p.path}: ${p.rule}`).join('; '));
  }
}

/**
 * A line of JSON whitespace alone (spaces, tabs, a CR before the newline) is
 * skipped. Other spaces (a no-break space, a vertical tab, a form feed) are
 * no JSON whitespace: such a line is not valid JSON, as it is when the same
 * character stands before an object.
 */
export const isBlankLine = (text: string): boolean => /^[ \t\r]*$/.test(text);

/** What a line that does not parse breaks; a byte order mark, which nobody sees, is named. */
export function notJsonRule(text: string, error: Error): string {
  if (startsWithByteOrderMark(text)) {
    return 'starts with a byte order mark (U+FEFF), allowed only at the start of the file';
  }
  return `is not valid JSON (${error.message})`;
}

export interface ReadStats {
  lines: number;
  accepted: number;
  duplicates: number;
}

/**
 * Reads NDJSON billing events in arrival order: validates each line as the
 * API would, drops a `(program, id)` already seen, and rejects a code claim
 * that conflicts with an earlier one.
 */
export async function* readHistory(
  input: Readable,
  programs: ProgramRegistry,
  stats: ReadStats = { lines: 0, accepted: 0, duplicates: 0 },
): AsyncGenerator<HistoryEntry> {
  const seen = new Set<string>();
  const codes = new CodeClaims();
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const read of lines) {
    const line = ++stats.lines;
    const text = line === 1 ? withoutByteOrderMark(read) : read;
    if (isBlankLine(text)) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BadLineError(line, [{ path: '(line)', rule: notJsonRule(text, error as Error) }]);
    }
    const result = validateBillingEvent(json, programs);
    if (!result.ok) throw new BadLineError(line, result.problems);
    const event = result.value;
    const key = `${event.program}\u0000${event.id}`;
    if (seen.has(key)) {
      stats.duplicates++;
      continue;
    }
    seen.add(key);
    if (event.type === 'referral_code.assigned') {
      const claim = codes.claim(event.program, event.data.code, event.accountId);
      if (!claim.claimed)
        throw new BadLineError(line, [
          { path: 'data.code', rule: codeConflictRule(event.data.code) },
        ]);
    }
    stats.accepted++;
    yield { seq: line, at: parseInstant(event.occurredAt), event };
  }
}
