// npm run bench:validate [-- --events 200000] [--input FILE] [--rounds 3] [--contracts DIR]
// The inbound check alone, on a synthetic history read into memory first (no I/O in the timings):
//  - bare JSON.parse of each line (the ceiling);
//  - JSON.parse + validateBillingEvent (what the replay and the API pay per event);
//  - JSON.parse + billingEventSchema.safeParse (zod's one-pass check, the success path before the
//    hand-written check took it over), for comparison in the same run.
// Prints events/s of each, best of --rounds, and how many lines the check accepted.
// --contracts: another build of libs/contracts/dist (e.g. of an earlier commit) to compare with.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHistory } from './generate-history.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    input: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    contracts: { type: 'string' },
  },
});
const root = resolve(import.meta.dirname, '..');
const contracts = resolve(values.contracts ?? join(root, 'libs/contracts/dist'));
if (!existsSync(join(contracts, 'index.js'))) {
  throw new Error(`${contracts}/index.js is missing: run \`npm run build\` first`);
}
const require = createRequire(import.meta.url);
const { validateBillingEvent, billingEventSchema } = require(contracts);
const { ProgramRegistry } = require(join(root, 'libs/domain/dist'));
const programs = ProgramRegistry.withBuiltins();

const work = mkdtempSync(join(tmpdir(), 'referrals-validate-bench-'));
try {
  const file = values.input ? resolve(values.input) : join(work, 'history.ndjson');
  if (!values.input) await generateHistory(file, Number(values.events));
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

  const stages = {
    'JSON.parse': (line) => JSON.parse(line) !== null,
    'JSON.parse + validateBillingEvent': (line) =>
      validateBillingEvent(JSON.parse(line), programs).ok,
    'JSON.parse + zod safeParse': (line) => billingEventSchema.safeParse(JSON.parse(line)).success,
  };
  const rows = [];
  for (const [stage, run] of Object.entries(stages)) {
    let best = Infinity;
    let accepted = 0;
    for (let round = 0; round < Number(values.rounds); round++) {
      accepted = 0;
      const t0 = performance.now();
      for (const line of lines) if (run(line)) accepted++;
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    rows.push({
      stage,
      events: lines.length,
      'events/s': Math.round(lines.length / best),
      seconds: Number(best.toFixed(3)),
      accepted,
    });
  }
  const ceiling = rows[0]['events/s'];
  for (const row of rows) row['x parse'] = Number((row['events/s'] / ceiling).toFixed(2));
  console.table(rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
