// npm run bench:replay -- --events 1000000 [--out FILE] [--as-of ISO] [--sizes 1000000,4000000]
// Generates a synthetic history, replays it through the CLI in a child process, and prints
// events/s and the child's peak RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHistory } from './generate-history.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    sizes: { type: 'string' },
    out: { type: 'string' },
    'as-of': { type: 'string', default: '2027-06-01T00:00:00Z' },
  },
});
const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'apps/cli/dist/main.js'))) {
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

const sizes = (values.sizes ?? values.events).split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'referrals-bench-'));
const rows = [];
try {
  for (const size of sizes) {
    const file =
      values.out && sizes.length === 1 ? resolve(values.out) : join(work, `history-${size}.ndjson`);
    const t0 = performance.now();
    const generated = await generateHistory(file, size);
    const generatedIn = (performance.now() - t0) / 1000;
    const stats = join(work, `stats-${size}.json`);
    const t1 = performance.now();
    const child = spawnSync(
      process.execPath,
      [
        join(root, 'bench/replay-runner.cjs'),
        'replay',
        '--input',
        file,
        '--as-of',
        values['as-of'],
        '--json',
      ],
      {
        env: { ...process.env, BENCH_STATS: stats },
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 2 ** 31,
      },
    );
    const seconds = (performance.now() - t1) / 1000;
    const { code, maxRssKb } = JSON.parse(readFileSync(stats, 'utf8'));
    if (code !== 0) throw new Error(`replay exited ${code}`);
    const result = JSON.parse(child.stdout);
    rows.push({
      events: generated.events,
      'file MB': +(statSync(file).size / 2 ** 20).toFixed(1),
      'generate s': +generatedIn.toFixed(1),
      'replay s': +seconds.toFixed(2),
      'events/s': Math.round(generated.events / seconds),
      'peak RSS MB': Math.round(maxRssKb / 1024),
      referrals: result.referrals.length,
      rewards: result.rewards.length,
    });
    if (!(values.out && sizes.length === 1)) rmSync(file);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.table(rows);
