import { statSync } from 'node:fs';
import { readHistoryFile, summaryLine } from '../history/read-ordered';
import { parseAsOf } from '../options/as-of';
import { prettyJsonChunks } from '../output/json-chunks';
import type { Terminal } from '../output/terminal';
import type { Output } from '../output/output';
import { loadPrograms } from '../program-files';
import { referralsCsv, renderReplayTables, rewardsCsv } from './render-replay';
import { replayByProgram } from './by-program';
import { keepHeapNearLiveSize } from './lean-heap';
import { replayInParallel } from './parallel/replay-in-parallel';
import { replayThreadCount } from './parallel/thread-count';

export interface ReplayOptions {
  input?: string;
  asOf?: string;
  json?: boolean;
  csv?: 'referrals' | 'rewards';
  programFile?: string[];
}

/** `referrals replay`: prints the referrals and rewards a history yields as of a date. */
export async function replayCommand(
  options: ReplayOptions,
  now: () => Date,
  terminal: Terminal,
): Promise<Output> {
  const programs = loadPrograms(options.programFile);
  const asOf = parseAsOf(options.asOf, now);
  keepHeapNearLiveSize();
  const read = await readHistoryFile({ input: options.input, terminal }, (file) => {
    const threads = replayThreadCount(statSync(file.path).size, programs.programIds().length);
    if (threads > 1) return replayInParallel(file, programs, asOf, threads);
    return replayByProgram(file, programs, asOf);
  });
  const result = read.value;
  process.stderr.write(
    `${summaryLine(read, `${result.referrals.length} referrals`, `${result.rewards.length} rewards`)}\n`,
  );
  if (options.csv === 'referrals') return referralsCsv(result.referrals);
  if (options.csv === 'rewards') return rewardsCsv(result.rewards);
  return options.json ? prettyJsonChunks({ ...result }) : renderReplayTables(result, terminal);
}
