import { closeSync, openSync } from 'node:fs';
import { CodeClaims, codeConflictRule } from '@referrals/domain';
import { BadLineError, ReadStats } from '../read-history';
import { BlockReader } from './block-reader';
import type { ScannedRange } from './scan-range';
import { SeenEvents } from './seen-events';
import { AcceptedClaim, referralGroups } from './taking-part';

/**
 * The accepted events of a history, in arrival order, each as a few numbers:
 * when it occurred, where its line is, and its program. Pass two reads the
 * lines again in time order.
 */
export interface ScannedHistory {
  readonly count: number;
  readonly at: Float64Array;
  readonly offset: Float64Array;
  readonly length: Int32Array;
  /** Index into `programIds`. */
  readonly program: Uint8Array;
  readonly programIds: readonly string[];
  /** Whose fact each is, as a hash of `(program, accountId)`. */
  readonly account: Int32Array;
  /** The accounts whose facts can change a referral, each to its group (see referralGroups). */
  readonly groups: ReadonlyMap<number, number>;
}

/**
 * Joins the scanned ranges of one file, in file order, into its accepted
 * events: a `(program, id)` seen before is a duplicate, a code claim that
 * conflicts with an earlier one is a bad line, and the first bad line of the
 * file (by its number in the whole file) stops the read, as it would have
 * stopped a single reader going line by line.
 */
export function mergeRanges(
  path: string,
  ranges: readonly ScannedRange[],
  programIds: readonly string[],
  stats: ReadStats,
): ScannedHistory {
  const total = ranges.reduce((sum, range) => sum + range.count, 0);
  const { at, offset, length, program, account } = acceptedArrays(ranges, total);
  const acceptedClaims: AcceptedClaim[] = [];
  const fd = openSync(path, 'r');
  try {
    const lines = new BlockReader(fd);
    let addingOffset = 0;
    let addingLength = 0;
    const keyOf = (lineOffset: number, bytes: number) => {
      const { program, id } = JSON.parse(lines.line(lineOffset, bytes)) as {
        program: string;
        id: string;
      };
      return `${program}\u0000${id}`;
    };
    const seen = new SeenEvents(
      total,
      (kept) => keyOf(offset[kept], length[kept]) === keyOf(addingOffset, addingLength),
      ranges.length === 1 ? ranges[0] : undefined,
    );
    const codes = new CodeClaims();
    let kept = 0;
    for (const range of ranges) {
      const lineBase = stats.lines;
      let nextClaim = 0;
      for (let i = 0; i < range.count; i++) {
        addingOffset = range.offset[i];
        addingLength = range.length[i];
        const isNew = seen.add(range.hashHi[i], range.hashLo[i]);
        const claim = range.claims[nextClaim]?.index === i ? range.claims[nextClaim++] : undefined;
        if (!isNew) {
          stats.duplicates++;
          continue;
        }
        if (claim) {
          const programId = programIds[range.program[i]];
          if (!codes.claim(programId, claim.code, claim.accountId).claimed) {
            stats.lines = lineBase + claim.line;
            throw new BadLineError(lineBase + claim.line, [
              { path: 'data.code', rule: codeConflictRule(claim.code) },
            ]);
          }
          acceptedClaims.push({
            program: range.program[i],
            code: claim.code,
            accountId: claim.accountId,
          });
        }
        at[kept] = range.at[i];
        offset[kept] = range.offset[i];
        length[kept] = range.length[i];
        program[kept] = range.program[i];
        account[kept] = range.account[i];
        kept++;
      }
      stats.lines = lineBase + range.lines;
      if (range.badLine)
        throw new BadLineError(lineBase + range.badLine.line, range.badLine.problems);
    }
    stats.accepted = kept;
    return {
      count: kept,
      at: at.subarray(0, kept),
      offset: offset.subarray(0, kept),
      length: length.subarray(0, kept),
      program: program.subarray(0, kept),
      programIds,
      account: account.subarray(0, kept),
      groups: referralGroups(
        programIds,
        ranges.flatMap((range) => range.links),
        acceptedClaims,
      ),
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Where the accepted events go: a range of its own when it is the only one
 * (an event is never written ahead of where it was read, so the range is
 * compacted in place and no second set of arrays is held), else new arrays.
 */
function acceptedArrays(ranges: readonly ScannedRange[], total: number) {
  if (ranges.length === 1) return ranges[0];
  return {
    at: new Float64Array(total),
    offset: new Float64Array(total),
    length: new Int32Array(total),
    program: new Uint8Array(total),
    account: new Int32Array(total),
  };
}
