/** Amounts as a person reads them: minor units of a currency, or minutes. */
export function formatAmount(amount: number, unit: string): string {
  if (unit === 'minutes') return `${amount.toLocaleString('en-US')} min`;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: unit }).format(
      amount / 100,
    );
  } catch {
    return `${amount} ${unit}`;
  }
}

/** A date of an ISO instant, as the contract's UTC calendar has it: 2026-08-01. */
export const formatDay = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');

export const KIND_LABELS: Record<string, string> = {
  account_credit: 'Account credit',
  bonus_minutes: 'Bonus minutes',
  cash: 'Cash',
  discount: 'Discount',
};

export const STATUS_LABELS: Record<string, string> = {
  earned: 'Earned',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  paid: 'Paid',
  voided: 'Voided',
  pending: 'Pending',
  qualified: 'Qualified',
  rewarded: 'Rewarded',
  ineligible: 'Ineligible',
  forfeited: 'Forfeited',
};

export const statusLabel = (status: string) => STATUS_LABELS[status] ?? status.replace(/_/g, ' ');
