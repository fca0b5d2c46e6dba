import type { Program, RewardAmount, RewardSpec, Trigger } from './program.schema';

/** The rules of a program in words, for `referrals programs`. */
export function describeProgram(program: Program): string[] {
  const lines = [`${program.id}: ${program.name}`];
  if (program.description) lines.push(`  ${program.description}`);
  lines.push(`  plans: ${describePlans(program)}`);
  if (program.products) lines.push(`  products: ${program.products.join(', ')}`);
  const rules = program.eligibility;
  lines.push(
    '  eligibility: no self-referral (same account, organization, email or payment method)',
  );
  if (rules.referrerMustBeSubscribed)
    lines.push('    the referrer must be an active subscriber at the signup');
  if (rules.referrerMustNotBePartner) {
    const when = rules.partnerCheckedAt
      .map((at) => (at === 'signup' ? "at the referee's signup" : 'at the check'))
      .join(' and ');
    lines.push(
      `    partners cannot refer (a partner referrer ${when} makes the referral ineligible)`,
    );
  }
  lines.push(
    rules.maxReferralsPerReferrer === undefined
      ? '    unlimited referrals per referrer'
      : `    at most ${rules.maxReferralsPerReferrer} eligible referrals per referrer`,
  );
  for (const trigger of program.triggers) {
    const side = trigger.sideReward
      ? '; a side reward, only while the referral is pending, never what decides it'
      : '';
    lines.push(`  ${trigger.id}: ${describeTrigger(trigger)}${side}`);
    for (const reward of trigger.rewards) lines.push(`    ${describeReward(program, reward)}`);
  }
  return lines;
}

function describePlans(program: Program): string {
  if (program.plans === 'any') return 'any plan id within a product';
  return program.plans
    .map((p) =>
      [
        p.id,
        p.units !== undefined && `${p.units} min`,
        p.price !== undefined && money(p.price, program.currency),
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join(', ');
}

function describeTrigger(trigger: Trigger): string {
  switch (trigger.on) {
    case 'first_activation': {
      const limits = [trigger.products?.join('/'), trigger.plans?.join('/')]
        .filter(Boolean)
        .join(', ');
      return `on the referee's first subscription after its referral${limits ? ` (only ${limits})` : ''}; none for an account that subscribed before it signed up`;
    }
    case 'successful_payments':
      return `when the referee has ${trigger.count} successful payments (refunded ones do not count)`;
    case 'monthly_check':
      return `checked at 00:00 UTC on the 1st of the ${ordinal(trigger.monthsAfterFirstPayment)} month after the referee's first payment month; the referee must be active then${trigger.mustBePaying ? ' and still paying (its latest payment attempt did not fail, a successful payment is left)' : ''}`;
    case 'each_successful_payment':
      return 'on every successful payment of the referee while it stays a client';
    default: {
      const exhaustive: never = trigger;
      return String(exhaustive);
    }
  }
}

function describeReward(program: Program, reward: RewardSpec): string {
  const parts = [
    `${reward.role} earns ${reward.kind.replace('_', ' ')}: ${describeAmount(program, reward.amount, reward.kind)}`,
  ];
  if (reward.expiry === 'billing_cycle') {
    parts.push(
      `expires when the beneficiary's current billing cycle ends (else after ${reward.expiresAfterMonths} month(s))`,
    );
  } else if (reward.expiresAfterMonths) {
    parts.push(`expires after ${reward.expiresAfterMonths} month(s)`);
  }
  if (reward.dueByBusinessDay) {
    const calendar =
      program.businessCalendar === 'weekdays'
        ? 'Monday to Friday'
        : `Monday to Friday, ${program.businessCalendar} public holidays skipped`;
    parts.push(
      `due by the ${ordinal(reward.dueByBusinessDay)} business day of the month (${calendar})`,
    );
  }
  return parts.join('; ');
}

function describeAmount(program: Program, amount: RewardAmount, kind: string): string {
  const value = (n: number) => (kind === 'bonus_minutes' ? `${n} min` : money(n, program.currency));
  switch (amount.type) {
    case 'fixed':
      return value(amount.amount);
    case 'by_plan':
    case 'by_product':
      return Object.entries(amount.amounts)
        .map(([k, n]) => `${k} ${value(n)}`)
        .join(', ');
    case 'percent_of_plan_units':
      return `${amount.basisPoints / 100}% of the referee's plan minutes (rounded ${amount.rounding.replace('_', ' ')})`;
    case 'percent_of_payment':
      return `${amount.basisPoints / 100}% of each payment (rounded ${amount.rounding.replace('_', ' ')})`;
    default: {
      const exhaustive: never = amount;
      return String(exhaustive);
    }
  }
}

const money = (minor: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);

const ordinal = (n: number) =>
  `${n}${['th', 'st', 'nd', 'rd'][n % 100 > 10 && n % 100 < 14 ? 0 : n % 10] ?? 'th'}`;
