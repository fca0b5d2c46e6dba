import { readHistoryFile, summaryLine } from '../history/read-ordered';
import { parseAsOf } from '../options/as-of';
import { JsonList, prettyJsonChunks } from '../output/json-chunks';
import type { Terminal } from '../output/terminal';
import type { Output } from '../output/output';
import { loadPrograms } from '../program-files';
import { referralsCsv, renderReplayTables, rewardsCsv } from './render-replay';
import { replayByProgram } from './by-program';
import { keepHeapNearLiveSize } from './lean-heap';
import { eventsPerEngine } from './parallel/jobs';
import { replayInParallel } from './parallel/replay-in-parallel';
import { replayThreadCount } from './parallel/thread-count';
import { heldInMemory, ReplayViews } from './views/replay-views';

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
  // The tuning variables are checked before the history is read: a mistake is said at once.
  const threads = replayThreadCount();
  const perEngine = eventsPerEngine();
  keepHeapNearLiveSize();
  const read = await readHistoryFile({ input: options.input, terminal }, async (file) => {
    if (threads > 1) {
      return replayInParallel(file, programs, asOf, threads, perEngine);
    }
    return replayByProgram(file, programs, asOf, perEngine);
  });
  const views = read.value;
  process.stderr.write(
    `${summaryLine(read, `${views.referralCount} referrals`, `${views.rewardCount} rewards`)}\n`,
  );
  if (options.json) return printedAsJson(views);
  try {
    if (options.csv === 'referrals') return referralsCsv([...views.referrals()]);
    if (options.csv === 'rewards') return rewardsCsv([...views.rewards()]);
    return renderReplayTables(heldInMemory(views), terminal);
  } finally {
    views.close();
  }
}

/** The replay as JSON, its views read one at a time as the chunks are written. */
function* printedAsJson(views: ReplayViews): Generator<string> {
  try {
    yield* prettyJsonChunks({
      asOf: views.asOf,
      referrals: new JsonList(() => views.referrals(), views.referralCount),
      rewards: new JsonList(() => views.rewards(), views.rewardCount),
    });
  } finally {
    views.close();
  }
}
