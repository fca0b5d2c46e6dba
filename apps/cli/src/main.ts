import { Command, CommanderError, Option } from 'commander';
import { describeProgram } from '@referrals/domain';
import { loadPrograms, ProgramFileError } from './program-files';
import { BadLineError } from './replay/read-history';
import { replayCommand, UsageError } from './replay/replay-command';

/** Exit codes: 0 done, 1 failure, 2 bad input (a line, a flag or a program file). */
export async function main(argv: string[], now: () => Date = () => new Date()): Promise<number> {
  const out: string[] = [];
  const cli = new Command('referrals')
    .description('Referral engine: replay billing histories and inspect programs')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const programFile = () =>
    new Option(
      '--program-file <path>',
      'add or replace a program from a JSON rule set (repeatable)',
    ).argParser((value: string, previous: string[] = []) => [...previous, value]);

  cli
    .command('replay')
    .description('replay a history as of a date, paying nothing')
    .option('--input <file>', 'NDJSON billing events; - for standard input')
    .option(
      '--as-of <iso>',
      'the clock: events after it are ignored, checks due by it fire (default: now)',
    )
    .option('--json', 'print one JSON object { asOf, referrals, rewards }')
    .addOption(programFile())
    .action(async (options) => {
      out.push(await replayCommand(options, now));
    });

  cli
    .command('programs')
    .description('list the programs and their rules in words')
    .addOption(programFile())
    .option('--json', 'print the rule sets as JSON')
    .action((options: { programFile?: string[]; json?: boolean }) => {
      const programs = loadPrograms(options.programFile).all();
      out.push(
        options.json
          ? JSON.stringify(programs, null, 2)
          : programs.map((p) => describeProgram(p).join('\n')).join('\n\n'),
      );
    });

  cli
    .command('rebuild-projections')
    .description('empty the read models and write them again from the configured event store')
    .action(async () => {
      const { rebuildProjections } = await import('./rebuild-projections');
      out.push(await rebuildProjections());
    });

  try {
    await cli.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (
      error instanceof BadLineError ||
      error instanceof UsageError ||
      error instanceof ProgramFileError
    ) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`referrals: ${(error as Error).message}\n`);
    return 1;
  }
  if (out.length > 0) await write(out.join('\n') + '\n');
  return 0;
}

/** Resolves once stdout has taken the text, so a pipe gets all of it before exit. */
const write = (text: string) =>
  new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (e) => (e ? reject(e) : resolve())),
  );
