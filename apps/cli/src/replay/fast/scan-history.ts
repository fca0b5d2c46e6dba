import { statSync } from 'node:fs';
import type { ProgramRegistry } from '@referrals/domain';
import type { ReadStats } from '../read-history';
import { mergeRanges, ScannedHistory } from './merge-ranges';
import { scanRange } from './scan-range';

export type { ScannedHistory } from './merge-ranges';

/**
 * Pass one over a history file in this thread, in arrival order: every line
 * checked as the API checks it, duplicates and code conflicts found, and of
 * each accepted event only a few numbers kept. Pass two reads the lines
 * again in time order. (scanInParallel does the same on several threads.)
 */
export function scanHistory(
  path: string,
  programs: ProgramRegistry,
  stats: ReadStats,
  onProgress?: (bytesRead: number) => void,
): ScannedHistory {
  const range = scanRange(path, 0, statSync(path).size, programs, onProgress);
  return mergeRanges(path, [range], programs.programIds(), stats);
}
