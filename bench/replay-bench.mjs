// npm run bench:replay [-- --sizes 1000000,2000000] [--events N] [--out FILE] [--as-of ISO]
// For each size: generates a synthetic history, then in the same run (a child process each)
//  - the bare loop: split the file into lines and JSON.parse each one (bench/parse-loop.cjs);
//  - the check loop: the same, and validateBillingEvent of each parsed line (parse-loop.cjs --check);
//  - the replay: `referrals replay --json` through the CLI (bench/replay-runner.cjs);
// (on one thread, REPLAY_THREADS=1, and on a thread per core up to one per program,
// REPLAY_THREADS=min(cores, 3); the CLI's default, replayThreadCount, is printed beside them)
// and prints both rates (wall clock and per CPU second), their ratio (target >= 0.5) and the
// replay's peak RSS (target <= 256 MB).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHistory } from './generate-history.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    sizes: { type: 'string', default: '1000000,2000000' },
    out: { type: 'string' },
    'as-of': { type: 'string', default: '2027-06-01T00:00:00Z' },
  },
});
const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'apps/cli/dist/main.js'))) {
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

// The node flags the `referrals` command starts with (its shebang's), so the replay measured
// here runs as the command does.
const cliNodeFlags = readFileSync(join(root, 'apps/cli/bin/referrals.js'), 'utf8')
  .split('\n')[0]
  .split(' ')
  .filter((word) => word.startsWith('--'));

const { replayThreadCount } = await import(
  join(root, 'apps/cli/dist/replay/parallel/thread-count.js')
);

const sizes = (values.events ?? values.sizes).split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'referrals-bench-'));
const rows = [];
try {
  for (const size of sizes) {
    const keep = values.out && sizes.length === 1;
    const file = keep ? resolve(values.out) : join(work, `history-${size}.ndjson`);
    const t0 = performance.now();
    const generated = await generateHistory(file, size);
    const generatedIn = (performance.now() - t0) / 1000;

    // Read the file once first, so both runs find it in the page cache alike.
    spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
    const bare = parseLoop(file);
    const bareRate = bare.events / bare.seconds;
    // The check loop: the bare loop plus the contract's check of each line, which any replay
    // must make of every line; its rate is the most a replay could reach if it did nothing else.
    const checked = parseLoop(file, '--check');
    const checkRatio = +(checked.events / checked.seconds / bareRate).toFixed(2);
    // On one thread, then a thread per core (no more than a thread per program):
    // the CLI's default is one of the two.
    const outputs = [];
    const byDefault = replayThreadCount(process.env);
    const perCore = String(Math.max(2, Math.min(availableParallelism(), 3)));
    for (const threads of ['1', perCore]) {
      const stats = join(work, `stats-${size}-${threads}.json`);
      const t1 = performance.now();
      const child = spawnSync(
        process.execPath,
        [
          ...cliNodeFlags,
          join(root, 'bench/replay-runner.cjs'),
          ...['replay', '--input', file, '--as-of', values['as-of'], '--json'],
        ],
        {
          env: {
            ...process.env,
            BENCH_STATS: stats,
            REPLAY_THREADS: threads,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 2 ** 31,
        },
      );
      const seconds = (performance.now() - t1) / 1000;
      const { code, maxRssKb, cpuSeconds } = JSON.parse(readFileSync(stats, 'utf8'));
      if (code !== 0) throw new Error(`replay exited ${code}: ${child.stderr}`);
      outputs.push(child.stdout);
      const result = JSON.parse(child.stdout);
      const replayRate = generated.events / seconds;
      rows.push({
        events: generated.events,
        threads: Number(threads),
        'CLI default': Number(threads) === byDefault,
        'file MB': +(statSync(file).size / 2 ** 20).toFixed(1),
        'generate s': +generatedIn.toFixed(1),
        'replay s': +seconds.toFixed(2),
        'replay events/s': Math.round(replayRate),
        'parse loop events/s': Math.round(bareRate),
        ratio: +(replayRate / bareRate).toFixed(2),
        'check loop ratio': checkRatio,
        // Per CPU second: what each costs, however busy the machine was while it ran.
        'replay events/CPU s': Math.round(generated.events / cpuSeconds),
        'parse loop events/CPU s': Math.round(bare.events / bare.cpuSeconds),
        'CPU ratio': +(bare.cpuSeconds / cpuSeconds).toFixed(2),
        'replay peak RSS MB': Math.round(maxRssKb / 1024),
        'parse loop peak RSS MB': Math.round(bare.maxRssKb / 1024),
        referrals: result.referrals.length,
        rewards: result.rewards.length,
      });
    }
    if (!outputs[0].equals(outputs[1]))
      throw new Error('the threaded and one-thread replays differ');
    if (!keep) rmSync(file);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
// One row a line: the table is too wide for a terminal.
for (const row of rows) console.log(row);
console.log('targets: ratio >= 0.5, replay peak RSS <= 256 MB at 1M events and no more at 2M');
console.log(
  "check loop ratio: the bare loop plus the contract's check of each line, against the bare loop",
);

/** Runs bench/parse-loop.cjs over `file` in a child process: { events, seconds, cpuSeconds, maxRssKb }. */
function parseLoop(file, ...flags) {
  const loop = spawnSync(process.execPath, [join(root, 'bench/parse-loop.cjs'), file, ...flags], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (loop.status !== 0) throw new Error(`parse loop ${flags.join(' ')} exited ${loop.status}`);
  return JSON.parse(loop.stdout);
}
