import { AccountView, successfulPaymentsFor } from '../account/account';
import type { Program } from '../programs/program.schema';
import type { EarnedReward } from '../referral/referral.events';
import { ExistingReferral, nextCheckAt, ReferralStatus } from '../referral/referral.state';

/** CONTRACT §4 output shapes. */

/** `approved`: cash an admin approved, waiting for the payout export to be confirmed. */
export type RewardStatus = 'earned' | 'awaiting_approval' | 'approved' | 'paid' | 'voided';

export interface RewardView {
  rewardId: string;
  program: string;
  referrerAccountId: string;
  refereeAccountId: string;
  beneficiaryAccountId: string;
  role: 'referrer' | 'referee';
  kind: EarnedReward['kind'];
  amount: number;
  unit: string;
  status: RewardStatus;
  earnedAt: string;
  dueBy?: string;
  expiresAt?: string;
  /** When the live system paid it (status `paid`). */
  paidAt?: string;
}

export interface ReferralView {
  program: string;
  referrerAccountId: string;
  refereeAccountId: string;
  status: ReferralStatus;
  reason?: string;
  signedUpAt: string;
  plan?: string;
  product?: string;
  successfulPayments: number;
  invoicesRemaining?: number;
  nextCheckAt?: string;
  rewards: string[];
}

export function toReferralView(
  program: Program,
  referral: ExistingReferral,
  referee: AccountView,
): ReferralView {
  const decidedAt = referral.decidedAt === undefined ? undefined : Date.parse(referral.decidedAt);
  const successfulPayments = successfulPaymentsFor(referee, decidedAt);
  const paymentTrigger = program.triggers.find((t) => t.on === 'successful_payments');
  const check = nextCheckAt(referral);
  return {
    program: referral.program,
    referrerAccountId: referral.referrerAccountId,
    refereeAccountId: referral.refereeAccountId,
    status: referral.status,
    ...(referral.reason !== undefined && { reason: referral.reason }),
    signedUpAt: referral.signedUpAt,
    ...(referee.plan !== undefined && { plan: referee.plan }),
    ...(referee.product !== undefined && { product: referee.product }),
    successfulPayments,
    ...(paymentTrigger?.on === 'successful_payments' && {
      invoicesRemaining: Math.max(0, paymentTrigger.count - successfulPayments),
    }),
    ...(check !== undefined && { nextCheckAt: check }),
    rewards: [...referral.rewardIds],
  };
}

/** A reward as a replay shows it: decided, never paid. */
export function toEarnedRewardView(reward: EarnedReward): RewardView {
  return {
    rewardId: reward.rewardId,
    program: reward.program,
    referrerAccountId: reward.referrerAccountId,
    refereeAccountId: reward.refereeAccountId,
    beneficiaryAccountId: reward.beneficiaryAccountId,
    role: reward.role,
    kind: reward.kind,
    amount: reward.amount,
    unit: reward.unit,
    status: 'earned',
    earnedAt: reward.earnedAt,
    ...(reward.dueBy !== undefined && { dueBy: reward.dueBy }),
    ...(reward.expiresAt !== undefined && { expiresAt: reward.expiresAt }),
  };
}
