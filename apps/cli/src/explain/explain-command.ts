import { identifier } from '@referrals/contracts';
import { ReferralEngine, ReferralStoryRecorder } from '@referrals/domain';
import { readOrdered, summaryLine } from '../history/read-ordered';
import { parseAsOf } from '../options/as-of';
import type { Terminal } from '../output/terminal';
import { loadPrograms } from '../program-files';
import { UsageError } from '../usage-error';
import { renderStory } from './render-story';

export interface ExplainOptions {
  input?: string;
  asOf?: string;
  program: string;
  referee: string;
  json?: boolean;
  programFile?: string[];
}

/** `referrals explain`: replays the history and tells one referral's story. */
export async function explainCommand(
  options: ExplainOptions,
  now: () => Date,
  terminal: Terminal,
): Promise<string> {
  const programs = loadPrograms(options.programFile);
  const program = programs.get(options.program);
  if (!program) {
    throw new UsageError(
      `--program: unknown program "${options.program}" (known: ${programs.programIds().join(', ')})`,
    );
  }
  const referee = identifier.safeParse(options.referee);
  if (!referee.success)
    throw new UsageError(`--referee: ${referee.error.issues.map((i) => i.message).join('; ')}`);
  const asOf = parseAsOf(options.asOf, now);
  const read = await readOrdered(
    { input: options.input, asOf, programs, terminal },
    async (events) => {
      const recorder = new ReferralStoryRecorder(
        new ReferralEngine(programs),
        program,
        options.referee,
      );
      let aboutReferee = 0;
      for (const event of events) {
        if (event.accountId === options.referee && event.program === options.program)
          aboutReferee++;
        recorder.apply(event);
      }
      recorder.advanceTo(asOf);
      return { story: recorder.story(asOf), aboutReferee };
    },
  );
  // As the API answers 404: a story of an account the history never speaks of would be made up.
  if (read.value.aboutReferee === 0)
    throw new UsageError(
      `--referee ${options.referee}: no account of ${options.program} has that id in the history (up to --as-of)`,
    );
  const story = read.value.story;
  process.stderr.write(`${summaryLine(read, `${story.steps.length} steps`)}\n`);
  return options.json ? JSON.stringify(story, null, 2) : renderStory(story, terminal.columns);
}
