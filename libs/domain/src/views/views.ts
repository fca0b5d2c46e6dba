import type { AccountView } from '../account/account';
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

/**
 * A referral as its referrer sees it. `paymentsAtDecision`: the referee's successful
 * payments when the referral left `pending`, which it shows from then on (CONTRACT §2).
 */
export function toReferralView(
  program: Program,
  referral: ExistingReferral,
  referee: AccountView,
  paymentsAtDecision?: number,
): ReferralView {
  const pending = referral.status === 'pending';
  const successfulPayments =
    pending || paymentsAtDecision === undefined ? referee.successfulPayments : paymentsAtDecision;
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
    ...(paymentTrigger?.on === 'successful_payments' &&
      invoicesRemainingOf(referral.status, paymentTrigger.count - successfulPayments)),
    ...(check !== undefined && { nextCheckAt: check }),
    rewards: [...referral.rewardIds],
  };
}

/** CONTRACT §3 (CallRail): a countdown while pending, 0 once rewarded, none once it can no longer earn. */
function invoicesRemainingOf(status: ReferralStatus, remaining: number) {
  if (status === 'pending') return { invoicesRemaining: Math.max(0, remaining) };
  if (status === 'rewarded') return { invoicesRemaining: 0 };
  return {};
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
