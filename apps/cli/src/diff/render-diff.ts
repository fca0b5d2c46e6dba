import { toCsv } from '../output/csv';
import { renderTable } from '../output/table';
import type { Terminal } from '../output/terminal';
import { formatAmount } from '../replay/render-replay';
import type { FieldChange, RuleDiff } from './rule-diff';

/** The money per program and kind, then one row per changed field of each referral. */
export function renderDiffTables(diff: RuleDiff, terminal: Terminal): string {
  const signed = (amount: number, unit: string) =>
    `${amount > 0 ? '+' : amount < 0 ? '-' : ''}${formatAmount(Math.abs(amount), unit)}`;
  return [
    `As of ${diff.asOf}`,
    `new rules: ${diff.rules.new}`,
    `old rules: ${diff.rules.old}`,
    renderTable(
      ['program', 'kind', 'old rewards', 'old total', 'new rewards', 'new total', 'difference'],
      diff.totals.map((t) => [
        t.program,
        t.kind,
        String(t.old.rewards),
        formatAmount(t.old.amount, t.unit),
        String(t.new.rewards),
        formatAmount(t.new.amount, t.unit),
        signed(t.difference, t.unit),
      ]),
      terminal,
    ),
    `${diff.referrals.length} referrals change`,
    ...(diff.referrals.length === 0
      ? []
      : [
          renderTable(
            ['program', 'referee', 'referrer', 'what', 'old', 'new'],
            diff.referrals.flatMap((r) =>
              r.changes.map((c) => [
                r.program,
                r.refereeAccountId,
                r.referrerAccountId,
                c.field,
                shown(c.old, c.unit),
                shown(c.new, c.unit),
              ]),
            ),
            terminal,
          ),
        ]),
  ].join('\n');
}

/** An amount in its unit, an instant to the minute, nothing as a dash. */
function shown(value: FieldChange['old'], unit: string | undefined): string {
  if (value === null) return '-';
  if (typeof value === 'number' && unit) return formatAmount(value, unit);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value))
    return value.slice(0, 16).replace('T', ' ');
  return String(value);
}

/** `--csv totals`: per program, kind and unit, the count and amount under each rule set. */
export const totalsCsv = (diff: RuleDiff) =>
  toCsv(
    ['program', 'kind', 'unit', 'oldRewards', 'oldAmount', 'newRewards', 'newAmount', 'difference'],
    diff.totals.map((t) => [
      t.program,
      t.kind,
      t.unit,
      t.old.rewards,
      t.old.amount,
      t.new.rewards,
      t.new.amount,
      t.difference,
    ]),
  );

/** `--csv referrals`: one row per changed field of a referral. */
export const changesCsv = (diff: RuleDiff) =>
  toCsv(
    ['program', 'refereeAccountId', 'referrerAccountId', 'field', 'old', 'new'],
    diff.referrals.flatMap((r) =>
      r.changes.map((c) => [
        r.program,
        r.refereeAccountId,
        r.referrerAccountId,
        c.field,
        c.old,
        c.new,
      ]),
    ),
  );
