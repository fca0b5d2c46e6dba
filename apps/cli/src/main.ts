import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { describeProgram } from '@referrals/domain';
import type { Output } from './output/output';
import { detectTerminal, Terminal } from './output/terminal';
import { loadPrograms, ProgramFileError } from './program-files';
import { BadLineError } from './replay/read-history';
import { diffCommand } from './diff/diff-command';
import { explainCommand } from './explain/explain-command';
import { EVENTS_PER_ENGINE } from './replay/parallel/jobs';
import { replayCommand } from './replay/replay-command';
import { UsageError } from './usage-error';

/** Exit codes: 0 done, 1 failure, 2 bad input (a line, a flag, a missing file, a program file). */
export async function main(
  argv: string[],
  now: () => Date = () => new Date(),
  terminal: Terminal = detectTerminal(),
): Promise<number> {
  const out: Output[] = [];
  const cli = new Command('referrals')
    .description('Referral engine: replay billing histories and inspect programs')
    .version(cliVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
    });

  const programFile = () =>
    new Option(
      '--program-file <path>',
      'add or replace a program from a JSON rule set (repeatable)',
    ).argParser((value: string, previous: string[] = []) => [...previous, value]);
  const asOf = () =>
    new Option(
      '--as-of <date>',
      'the clock, a date (midnight UTC) or an ISO date-time: events after it are ignored, checks due by it fire (default: now)',
    );
  const input = () =>
    new Option(
      '--input <file>',
      'NDJSON billing events; - for standard input (default: the configured event store)',
    );

  cli
    .command('replay')
    .description('replay a history as of a date, paying nothing')
    .addOption(input())
    .addOption(asOf())
    .option('--json', 'print one JSON object { asOf, referrals, rewards }')
    .addOption(
      new Option('--csv <table>', 'print one table as CSV')
        .choices(['referrals', 'rewards'])
        .conflicts('json'),
    )
    .addOption(programFile())
    .addHelpText(
      'after',
      '\nEnvironment:\n' +
        '  REPLAY_THREADS=N            replay on N threads, up to one per core: faster, with a\n' +
        '                              heap per thread (default 1, the least memory)\n' +
        `  REPLAY_EVENTS_PER_ENGINE=N  the most events one engine holds at once (default ${EVENTS_PER_ENGINE})`,
    )
    .action(async (options) => {
      out.push(await replayCommand(options, now, terminal));
    });

  cli
    .command('diff')
    .description(
      'what a rule change does: replays the history under the new and the old rules and prints the difference',
    )
    .addOption(input())
    .addOption(asOf())
    .addOption(programFile().makeOptionMandatory())
    .option('--json', 'print one JSON object { asOf, rules, totals, referrals }')
    .addOption(
      new Option('--csv <table>', 'print one table as CSV')
        .choices(['totals', 'referrals'])
        .conflicts('json'),
    )
    .addHelpText(
      'after',
      '\nThe first --program-file holds the new rules; a second one the old rules (default: the built-in programs).',
    )
    .action(async (options) => {
      out.push(await diffCommand(options, now, terminal));
    });

  cli
    .command('explain')
    .description(
      'why a referral is in its state: the facts that mattered, what each changed, the rules that decided',
    )
    .addOption(input())
    .requiredOption('--program <id>', 'the referral program')
    .requiredOption('--referee <accountId>', 'the referred account')
    .addOption(asOf())
    .option('--json', 'print the story as one JSON object')
    .addOption(programFile())
    .action(async (options) => {
      out.push(await explainCommand(options, now, terminal));
    });

  cli
    .command('stripe-remap')
    .description(
      "replay a program's raw Stripe events through today's mapping (dry run: prints the contract events as NDJSON)",
    )
    .requiredOption('--program <id>', 'the referral program')
    .requiredOption('--since <iso>', 'Stripe events created at or after this date-time')
    .option('--apply', 'store the contract events (the ones already stored are duplicates)')
    .action(async (options) => {
      const { stripeRemapCommand } = await import('./stripe-remap');
      out.push(await stripeRemapCommand(options));
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

  cli
    .command('migrate-rules')
    .description(
      'what new rules change about rewards already decided (dry run); --apply appends correcting events',
    )
    .addOption(programFile().makeOptionMandatory())
    .option(
      '--apply',
      'append RewardAdjusted and RewardVoided (reason rule_change); never rewrites',
    )
    .option('--json', 'print one JSON object { applied, versions, corrections, totals }')
    .action(async (options) => {
      const { migrateRulesCommand } = await import('./migrate-rules/migrate-rules-command');
      out.push(await migrateRulesCommand(options, now));
    });

  try {
    await cli.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander prints the usage for a bare `referrals`, but no word of what was wrong.
      if (error.code === 'commander.help') {
        process.stderr.write(`error: a command is required (${commandNames(cli)})\n`);
      }
      return error.exitCode === 0 ? 0 : 2;
    }
    if (
      error instanceof BadLineError ||
      error instanceof UsageError ||
      error instanceof ProgramFileError
    ) {
      process.stderr.write(`${oneLine(error.message)}\n`);
      return 2;
    }
    // A setting the analyst typed (the store's, for the commands that open one), by name:
    // the runtime's ConfigError, whose module this one does not load for a replay.
    if ((error as Error).name === 'ConfigError') {
      const { problems } = error as Error & { problems: readonly string[] };
      process.stderr.write(`${oneLine(`settings: ${problems.join('; ')}`)}\n`);
      return 2;
    }
    process.stderr.write(`referrals: ${(error as Error).message}\n`);
    return 1;
  }
  return writeAll(out);
}

const commandNames = (cli: Command) =>
  cli.commands
    .map((command) => command.name())
    .filter((name) => name !== 'help')
    .join(', ');

/**
 * An input problem as one line of stderr: control characters and line
 * separators written as `\uXXXX`. Its message may quote the input (a line of
 * a history or a program file, in JSON.parse's words), and stderr must stay
 * one line a problem, with no raw NUL or escape sequence of the input in it.
 */
const oneLine = (text: string) =>
  text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * Writes the commands' output. A reader that stops early (`referrals replay |
 * head`) closes the pipe: the rest is not written, and the command ends
 * quietly with 0, as the reader asked for no more. Stdout's own 'error' event
 * is listened to meanwhile, since Node throws one that nobody listens to.
 */
async function writeAll(out: Output[]): Promise<number> {
  const reported = () => undefined; // the write's callback reports it too
  process.stdout.on('error', reported);
  try {
    for (const piece of out) await write(piece);
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(
      `referrals: the output could not be written: ${(error as Error).message}\n`,
    );
    return 1;
  } finally {
    process.stdout.off('error', reported);
  }
}

/** The CLI package's version (src/ and dist/ both sit beside package.json). */
const cliVersion = () =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
    .version;

/** Writes a command's output and a newline; resolves once stdout has taken it, so a pipe gets all of it before exit. */
async function write(output: Output) {
  const chunks = typeof output === 'string' ? [output] : output;
  for (const chunk of chunks) await writeChunk(chunk);
  await writeChunk('\n');
}

const writeChunk = (text: string) =>
  new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (e) => (e ? reject(e) : resolve())),
  );
