import { amountOf, Program, ReferralView, RewardView } from '@referrals/domain';
import { formatAmount, formatDay, statusLabel } from './money';

/**
 * What the referrer portal shows, derived from the read models and the
 * program's own rules: which columns a program's referrals need follows
 * from its triggers (invoices to go, minutes that expire, a dated cash
 * check), so a new program as data gets a sensible page without code.
 */
export interface PortalColumn {
  readonly key: string;
  readonly label: string;
}

export interface PortalRow {
  readonly refereeAccountId: string;
  readonly cells: Record<string, string>;
}

export interface PortalModel {
  readonly program: Program;
  readonly accountId: string;
  readonly code?: { code: string; shareLink: string };
  readonly columns: readonly PortalColumn[];
  readonly rows: readonly PortalRow[];
  readonly rewards: readonly RewardView[];
  readonly balances: readonly { kind: string; unit: string; amount: number }[];
}

export interface PortalInputs {
  readonly program: Program;
  readonly accountId: string;
  readonly code?: { code: string; shareLink: string };
  readonly referrals: readonly ReferralView[];
  /** Rewards where the account is the beneficiary. */
  readonly rewards: readonly RewardView[];
  readonly balances: readonly { kind: string; unit: string; amount: number }[];
}

export function portalModel(inputs: PortalInputs): PortalModel {
  const { program } = inputs;
  const columns = columnsFor(program);
  const rows = inputs.referrals.map((referral) => {
    const own = inputs.rewards.filter(
      (r) => r.refereeAccountId === referral.refereeAccountId && r.role === 'referrer',
    );
    return { refereeAccountId: referral.refereeAccountId, cells: cellsFor(program, referral, own) };
  });
  return {
    program,
    accountId: inputs.accountId,
    code: inputs.code,
    columns,
    rows,
    rewards: inputs.rewards,
    balances: inputs.balances,
  };
}

const referrerRewards = (program: Program) =>
  program.triggers.flatMap((t) => t.rewards.filter((r) => r.role === 'referrer'));

const hasPaymentCount = (p: Program) => p.triggers.some((t) => t.on === 'successful_payments');
const hasCheck = (p: Program) => p.triggers.some((t) => t.on === 'monthly_check');
const hasExpiringMinutes = (p: Program) =>
  referrerRewards(p).some((r) => r.kind === 'bonus_minutes' && r.expiresAfterMonths);

function columnsFor(program: Program): PortalColumn[] {
  const columns: PortalColumn[] = [
    { key: 'account', label: 'Referred account' },
    { key: 'plan', label: program.products ? 'Product / plan' : 'Plan' },
    { key: 'signedUp', label: 'Sign-up date' },
  ];
  if (hasPaymentCount(program))
    columns.push({ key: 'invoicesRemaining', label: 'Invoices remaining until reward' });
  if (hasCheck(program)) columns.push({ key: 'checkDate', label: 'Cash check date' });
  if (hasExpiringMinutes(program)) columns.push({ key: 'expires', label: 'Minutes expire' });
  columns.push(
    { key: 'amount', label: 'Reward amount' },
    { key: 'status', label: 'Reward status' },
  );
  return columns;
}

function cellsFor(
  program: Program,
  referral: ReferralView,
  own: readonly RewardView[],
): Record<string, string> {
  const plan = [referral.product?.replace(/_/g, ' '), referral.plan].filter(Boolean).join(' / ');
  const cells: Record<string, string> = {
    account: referral.refereeAccountId,
    plan: plan || '—',
    signedUp: formatDay(referral.signedUpAt),
  };
  if (hasPaymentCount(program))
    cells.invoicesRemaining =
      referral.invoicesRemaining === undefined ? '—' : String(referral.invoicesRemaining);
  if (hasCheck(program)) {
    const checked = own.find((r) => r.kind === 'cash');
    cells.checkDate = referral.nextCheckAt
      ? formatDay(referral.nextCheckAt)
      : checked
        ? `Checked ${formatDay(checked.earnedAt)}`
        : '—';
  }
  if (hasExpiringMinutes(program)) {
    const minutes = own.find((r) => r.kind === 'bonus_minutes' && r.expiresAt);
    cells.expires = minutes ? formatDay(minutes.expiresAt) : '—';
  }
  if (own.length > 0) {
    cells.amount = own.map((r) => formatAmount(r.amount, r.unit)).join(' + ');
    cells.status = [...new Set(own.map((r) => statusLabel(r.status)))].join(', ');
  } else {
    const expected = expectedAmount(program, referral);
    cells.amount =
      referral.status === 'pending' && expected
        ? `${expected} ${hasCheck(program) ? 'at stake' : 'expected'}`
        : '—';
    cells.status = referral.reason
      ? `${statusLabel(referral.status)} (${referral.reason.replace(/_/g, ' ')})`
      : statusLabel(referral.status);
  }
  return cells;
}

/** What the referrer would earn if the referral qualifies, by the program's rules as it stands now. */
function expectedAmount(program: Program, referral: ReferralView): string | undefined {
  const parts: string[] = [];
  for (const reward of referrerRewards(program)) {
    const outcome = amountOf(program, reward.amount, {
      plan: referral.plan,
      product: referral.product,
    });
    if (!('amount' in outcome)) continue;
    if (reward.amount.type === 'percent_of_payment') continue;
    parts.push(
      formatAmount(outcome.amount, reward.kind === 'bonus_minutes' ? 'minutes' : program.currency),
    );
  }
  return parts.length > 0 ? parts.join(' + ') : undefined;
}
