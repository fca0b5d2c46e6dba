import Table from 'cli-table3';
import type { ReplayResult } from './replay';

/** The replay as two readable tables, for a person at a terminal. */
export function renderTables(result: ReplayResult): string {
  const referrals = new Table({
    head: [
      'program',
      'referrer',
      'referee',
      'status',
      'reason',
      'signed up',
      'plan',
      'payments',
      'next check',
      'rewards',
    ],
  });
  for (const r of result.referrals) {
    referrals.push([
      r.program,
      r.referrerAccountId,
      r.refereeAccountId,
      r.status,
      r.reason ?? '',
      r.signedUpAt.slice(0, 10),
      [r.plan, r.product].filter(Boolean).join(' / '),
      r.invoicesRemaining === undefined
        ? String(r.successfulPayments)
        : `${r.successfulPayments} (${r.invoicesRemaining} to go)`,
      r.nextCheckAt?.slice(0, 10) ?? '',
      String(r.rewards.length),
    ]);
  }
  const rewards = new Table({
    head: [
      'program',
      'beneficiary',
      'role',
      'referee',
      'kind',
      'amount',
      'earned',
      'due by',
      'expires',
    ],
  });
  for (const r of result.rewards) {
    rewards.push([
      r.program,
      r.beneficiaryAccountId,
      r.role,
      r.refereeAccountId,
      r.kind,
      formatAmount(r.amount, r.unit),
      r.earnedAt.slice(0, 16).replace('T', ' '),
      r.dueBy ?? '',
      r.expiresAt?.slice(0, 10) ?? '',
    ]);
  }
  return [
    `As of ${result.asOf}: ${result.referrals.length} referrals, ${result.rewards.length} rewards earned`,
    referrals.toString(),
    rewards.toString(),
  ].join('\n');
}

const formatAmount = (amount: number, unit: string) =>
  unit === 'minutes'
    ? `${amount} min`
    : new Intl.NumberFormat('en-US', { style: 'currency', currency: unit }).format(amount / 100);
