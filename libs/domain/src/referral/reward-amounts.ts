import type { Program, RewardAmount, RewardSpec } from '../programs/program.schema';
import {
  addCalendarMonths,
  businessDayOfMonth,
  formatDate,
  formatInstant,
  Instant,
} from '../time/calendar';
import { percentOf } from '../time/rounding';
import type { EarnedReward, ForfeitReason } from './referral.events';
import { rewardIdOf } from './ids';

/** What a reward amount may depend on at the moment its trigger fires. */
export interface RewardBasis {
  readonly plan?: string;
  readonly product?: string;
  /** The payment that fired a recurring reward. */
  readonly paymentAmount?: number;
}

export type AmountOutcome = { readonly amount: number } | { readonly forfeit: ForfeitReason };

export function amountOf(program: Program, rule: RewardAmount, basis: RewardBasis): AmountOutcome {
  switch (rule.type) {
    case 'fixed':
      return { amount: rule.amount };
    case 'by_plan': {
      const amount = basis.plan === undefined ? undefined : rule.amounts[basis.plan];
      return amount === undefined ? { forfeit: 'plan_not_eligible' } : { amount };
    }
    case 'by_product': {
      const amount = basis.product === undefined ? undefined : rule.amounts[basis.product];
      return amount === undefined ? { forfeit: 'product_not_eligible' } : { amount };
    }
    case 'percent_of_plan_units': {
      const plan =
        program.plans === 'any' ? undefined : program.plans.find((p) => p.id === basis.plan);
      if (plan?.units === undefined) return { forfeit: 'plan_not_eligible' };
      return { amount: percentOf(plan.units, rule.basisPoints, rule.rounding) };
    }
    case 'percent_of_payment':
      return { amount: percentOf(basis.paymentAmount ?? 0, rule.basisPoints, rule.rounding) };
    default: {
      const exhaustive: never = rule;
      throw new Error(`unknown reward amount ${JSON.stringify(exhaustive)}`);
    }
  }
}

export interface RewardContext {
  readonly program: Program;
  readonly referralId: string;
  readonly triggerId: string;
  readonly referrerAccountId: string;
  readonly refereeAccountId: string;
  readonly now: Instant;
  /** Tells apart the rewards of a recurring trigger (the invoice id). */
  readonly occurrence?: string;
  /** Where each side's current billing cycle ends, as known now (for `billing_cycle` expiry). */
  readonly billingCycleEndOf: (role: RewardSpec['role']) => Instant | undefined;
}

/**
 * Every reward of a trigger, or the reason the trigger forfeits: a trigger
 * pays all its sides or none.
 */
export function rewardsOf(
  specs: readonly RewardSpec[],
  basis: RewardBasis,
  ctx: RewardContext,
): { readonly rewards: EarnedReward[] } | { readonly forfeit: ForfeitReason } {
  const rewards: EarnedReward[] = [];
  for (const spec of specs) {
    const outcome = amountOf(ctx.program, spec.amount, basis);
    if ('forfeit' in outcome) return outcome;
    rewards.push({
      rewardId: rewardIdOf(ctx.referralId, ctx.triggerId, spec.role, ctx.occurrence),
      referralId: ctx.referralId,
      program: ctx.program.id,
      triggerId: ctx.triggerId,
      referrerAccountId: ctx.referrerAccountId,
      refereeAccountId: ctx.refereeAccountId,
      beneficiaryAccountId: spec.role === 'referrer' ? ctx.referrerAccountId : ctx.refereeAccountId,
      role: spec.role,
      kind: spec.kind,
      amount: outcome.amount,
      unit: spec.kind === 'bonus_minutes' ? 'minutes' : ctx.program.currency,
      earnedAt: formatInstant(ctx.now),
      ...(spec.dueByBusinessDay !== undefined && {
        dueBy: formatDate(
          businessDayOfMonth(ctx.now, spec.dueByBusinessDay, ctx.program.businessCalendar),
        ),
      }),
      ...expiryOf(spec, ctx),
    });
  }
  return { rewards };
}

/** CONTRACT §3 (KallyAI): minutes last for the beneficiary's current billing cycle, else a month. */
function expiryOf(spec: RewardSpec, ctx: RewardContext): { expiresAt?: string } {
  if (spec.expiresAfterMonths === undefined) return {};
  if (spec.expiry === 'billing_cycle') {
    const cycleEnd = ctx.billingCycleEndOf(spec.role);
    if (cycleEnd !== undefined && cycleEnd > ctx.now) return { expiresAt: formatInstant(cycleEnd) };
  }
  return { expiresAt: formatInstant(addCalendarMonths(ctx.now, spec.expiresAfterMonths)) };
}
