import type { ReferralView, RewardView } from '@referrals/domain';
import { toCsv } from '../output/csv';
import { renderTable } from '../output/table';
import type { Terminal } from '../output/terminal';
import type { ReplayResult } from './replay';

/** The replay as tables, one pair per program, for a person at a terminal. */
export function renderReplayTables(result: ReplayResult, terminal: Terminal): string {
  const programs = [...new Set(result.referrals.map((r) => r.program))].sort();
  const parts = [
    `As of ${result.asOf}: ${result.referrals.length} referrals, ${result.rewards.length} rewards earned`,
  ];
  for (const program of programs) {
    const referrals = result.referrals.filter((r) => r.program === program);
    const rewards = result.rewards.filter((r) => r.program === program);
    parts.push(
      '',
      `${program}: ${referrals.length} referrals`,
      renderTable(
        ['referrer', 'referee', 'status', 'signed up', 'plan', 'payments', 'next check'],
        referrals.map((r) => [
          r.referrerAccountId,
          r.refereeAccountId,
          r.reason === undefined ? r.status : `${r.status}: ${r.reason}`,
          r.signedUpAt.slice(0, 10),
          r.product ?? r.plan ?? '',
          r.invoicesRemaining === undefined
            ? String(r.successfulPayments)
            : `${r.successfulPayments}, ${r.invoicesRemaining} to go`,
          r.nextCheckAt?.slice(0, 10) ?? '',
        ]),
        terminal,
      ),
    );
    if (rewards.length === 0) continue;
    parts.push(
      `${program}: ${rewards.length} rewards earned`,
      renderTable(
        ['beneficiary', 'role', 'referee', 'kind', 'amount', 'earned', 'due by', 'expires'],
        rewards.map((r) => [
          r.beneficiaryAccountId,
          r.role,
          r.refereeAccountId,
          r.kind,
          formatAmount(r.amount, r.unit),
          r.earnedAt.slice(0, 10),
          r.dueBy ?? '',
          r.expiresAt?.slice(0, 10) ?? '',
        ]),
        terminal,
      ),
    );
  }
  return parts.join('\n');
}

/** `--csv referrals`: one row per referral, every field of CONTRACT §4 (rewards space-separated). */
export const referralsCsv = (referrals: readonly ReferralView[]) =>
  toCsv(
    [
      'program',
      'referrerAccountId',
      'refereeAccountId',
      'status',
      'reason',
      'signedUpAt',
      'plan',
      'product',
      'successfulPayments',
      'invoicesRemaining',
      'nextCheckAt',
      'rewards',
    ],
    referrals.map((r) => [
      r.program,
      r.referrerAccountId,
      r.refereeAccountId,
      r.status,
      r.reason,
      r.signedUpAt,
      r.plan,
      r.product,
      r.successfulPayments,
      r.invoicesRemaining,
      r.nextCheckAt,
      r.rewards.join(' '),
    ]),
  );

/** `--csv rewards`: one row per reward, amounts in minor units (or minutes) as in the JSON. */
export const rewardsCsv = (rewards: readonly RewardView[]) =>
  toCsv(
    [
      'rewardId',
      'program',
      'referrerAccountId',
      'refereeAccountId',
      'beneficiaryAccountId',
      'role',
      'kind',
      'amount',
      'unit',
      'status',
      'earnedAt',
      'dueBy',
      'expiresAt',
    ],
    rewards.map((r) => [
      r.rewardId,
      r.program,
      r.referrerAccountId,
      r.refereeAccountId,
      r.beneficiaryAccountId,
      r.role,
      r.kind,
      r.amount,
      r.unit,
      r.status,
      r.earnedAt,
      r.dueBy,
      r.expiresAt,
    ]),
  );

/** 90 min, $150.00: minutes as they are, money from minor units in its currency. */
export const formatAmount = (amount: number, unit: string) =>
  unit === 'minutes'
    ? `${amount} min`
    : new Intl.NumberFormat('en-US', { style: 'currency', currency: unit }).format(amount / 100);
