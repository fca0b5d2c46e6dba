import { readFileSync } from 'node:fs';
import { createRuntime, loadConfig } from '@referrals/runtime';
import { loadPrograms } from '../program-files';
import { applyMigration, MigrationPlan, planMigration } from './rule-migration';

export interface MigrateRulesOptions {
  readonly programFile: string[];
  readonly apply?: boolean;
  readonly json?: boolean;
}

/**
 * `referrals migrate-rules --program-file F [--apply]`: the money the new
 * rules would move on rewards already decided. A dry run by default; with
 * `--apply` it appends correcting events to the rewards' own streams (the
 * ledger and views follow as projections), never rewriting one.
 */
export async function migrateRulesCommand(
  options: MigrateRulesOptions,
  now: () => Date,
): Promise<string> {
  const rules = loadPrograms(options.programFile);
  // The files parsed above are valid programs: each names the program it migrates.
  const programIds = options.programFile.map(
    (f) => (JSON.parse(readFileSync(f, 'utf8')) as { id: string }).id,
  );
  const runtime = await createRuntime(loadConfig());
  try {
    const plan = await planMigration(runtime, rules, programIds);
    if (options.apply) await applyMigration(runtime, plan, now());
    return options.json
      ? JSON.stringify({ applied: !!options.apply, ...plan, totals: totals(plan) }, null, 2)
      : render(plan, !!options.apply);
  } finally {
    await runtime.close();
  }
}

/** Per program, kind and unit: the money before, after, and the difference. */
function totals(plan: MigrationPlan) {
  const byKey = new Map<
    string,
    { program: string; kind: string; unit: string; before: number; after: number }
  >();
  for (const c of plan.corrections) {
    if (c.action === 'new') continue;
    const key = `${c.program}/${c.kind}/${c.unit}`;
    const t = byKey.get(key) ?? {
      program: c.program,
      kind: c.kind,
      unit: c.unit,
      before: 0,
      after: 0,
    };
    t.before += c.before;
    t.after += c.after;
    byKey.set(key, t);
  }
  return [...byKey.values()].map((t) => ({ ...t, change: t.after - t.before }));
}

function render(plan: MigrationPlan, applied: boolean): string {
  const lines = Object.entries(plan.versions).map(([p, v]) => `program ${p}: new rules ${v}`);
  if (plan.corrections.length === 0) return [...lines, 'no reward changes'].join('\n');
  for (const c of plan.corrections) {
    const change = c.after - c.before;
    lines.push(
      [
        c.action.padEnd(6),
        c.rewardId,
        c.program,
        c.beneficiaryAccountId,
        c.kind,
        `${c.before} → ${c.after} ${c.unit} (${change >= 0 ? '+' : ''}${change})`,
        c.status,
        ...(c.outcome
          ? [c.outcome]
          : c.action === 'new'
            ? ['not applied: only the live process manager decides']
            : []),
      ].join('  '),
    );
  }
  for (const t of totals(plan))
    lines.push(
      `total ${t.program} ${t.kind}: ${t.before} → ${t.after} ${t.unit} (${t.change >= 0 ? '+' : ''}${t.change})`,
    );
  lines.push(
    applied
      ? 'applied: correcting events appended (RewardAdjusted, RewardVoided reason rule_change)'
      : 'dry run: nothing appended; --apply appends the corrections',
  );
  return lines.join('\n');
}
