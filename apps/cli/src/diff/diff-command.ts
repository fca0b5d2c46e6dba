import { ReferralEngine } from '@referrals/domain';
import { readOrdered, summaryLine } from '../history/read-ordered';
import { parseAsOf } from '../options/as-of';
import type { Terminal } from '../output/terminal';
import { loadPrograms } from '../program-files';
import { replayResult } from '../replay/replay';
import { UsageError } from '../usage-error';
import { renderDiffTables, totalsCsv, changesCsv } from './render-diff';
import { diffReplays } from './rule-diff';

export interface DiffOptions {
  input?: string;
  asOf?: string;
  json?: boolean;
  csv?: 'totals' | 'referrals';
  programFile?: string[];
}

/**
 * `referrals diff`: one read of the history through two engines, one per
 * rule set (the first --program-file is the new rules; the second, if any,
 * the old ones, else the built-in programs), then the difference in money
 * and in outcomes. Nothing is stored or paid.
 */
export async function diffCommand(
  options: DiffOptions,
  now: () => Date,
  terminal: Terminal,
): Promise<string> {
  const files = options.programFile ?? [];
  if (files.length < 1 || files.length > 2) {
    throw new UsageError(
      'diff: give --program-file NEW, and optionally a second --program-file OLD (default: the built-in programs)',
    );
  }
  const [newFile, oldFile] = files;
  const newPrograms = loadPrograms([newFile]);
  const oldPrograms = loadPrograms(oldFile === undefined ? [] : [oldFile]);
  const asOf = parseAsOf(options.asOf, now);
  // Events are checked against the new rules' catalogs; a program the old rules lack decides nothing there.
  const read = await readOrdered(
    { input: options.input, asOf, programs: newPrograms, terminal },
    async (events) => {
      const before = new ReferralEngine(oldPrograms);
      const after = new ReferralEngine(newPrograms);
      for (const event of events) {
        if (oldPrograms.get(event.program)) before.apply(event);
        after.apply(event);
      }
      before.advanceTo(asOf);
      after.advanceTo(asOf);
      return diffReplays(replayResult(before, asOf), replayResult(after, asOf), {
        old: oldFile ?? 'built-in programs',
        new: newFile,
      });
    },
  );
  const diff = read.value;
  process.stderr.write(`${summaryLine(read, `${diff.referrals.length} referrals change`)}\n`);
  if (options.csv === 'totals') return totalsCsv(diff);
  if (options.csv === 'referrals') return changesCsv(diff);
  return options.json ? JSON.stringify(diff, null, 2) : renderDiffTables(diff, terminal);
}
