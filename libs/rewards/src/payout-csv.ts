import { stringify } from 'csv-stringify/sync';
import type { RewardView } from '@referrals/domain';

const COLUMNS = [
  'reward_id',
  'program',
  'beneficiary_account_id',
  'amount_minor',
  'currency',
  'amount',
  'due_by',
  'earned_at',
] as const;

/**
 * A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
 * leading tab or carriage return) gets a leading `'`, so an account id like
 * `=HYPERLINK(…)` stays text in whoever opens the export (OWASP CSV injection).
 */
export const neutralizeFormula = (cell: string): string =>
  /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;

/** The payout export: one row per cash reward, amounts in minor units and in decimal. */
export function payoutsCsv(rewards: readonly RewardView[]): string {
  const rows = rewards.map((r) =>
    [
      r.rewardId,
      r.program,
      r.beneficiaryAccountId,
      String(r.amount),
      r.unit,
      decimal(r.amount, r.unit),
      r.dueBy ?? '',
      r.earnedAt,
    ].map(neutralizeFormula),
  );
  return stringify(rows, { header: true, columns: [...COLUMNS] });
}

/** Minor units as a decimal string, with the currency's own number of digits. */
function decimal(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}
