import type { RewardKind } from '../programs/program.schema';

/**
 * The decisions recorded in a referral's stream. Each carries the time it was
 * decided at (event time, never wall-clock time) so a replay reproduces it.
 */

export type IneligibleReason =
  'self_referral' | 'referrer_not_subscribed' | 'referrer_is_partner' | 'referrer_cap_reached';

export type ForfeitReason =
  | 'referee_not_active'
  | 'referee_not_paying'
  | 'product_not_eligible'
  | 'plan_not_eligible'
  | 'no_reward_applicable';

export type Role = 'referrer' | 'referee';

export interface EarnedReward {
  readonly rewardId: string;
  readonly referralId: string;
  readonly program: string;
  readonly triggerId: string;
  readonly referrerAccountId: string;
  readonly refereeAccountId: string;
  readonly beneficiaryAccountId: string;
  readonly role: Role;
  readonly kind: RewardKind;
  readonly amount: number;
  /** `minutes`, or the ISO-4217 currency of a money amount in minor units. */
  readonly unit: string;
  readonly earnedAt: string;
  /** A calendar date (YYYY-MM-DD) by which cash is to be paid. */
  readonly dueBy?: string;
  readonly expiresAt?: string;
}

export type ReferralCreated = {
  type: 'ReferralCreated';
  data: {
    referralId: string;
    program: string;
    referrerAccountId: string;
    refereeAccountId: string;
    signedUpAt: string;
    /** The program's triggers this referral waits on. */
    triggerIds: string[];
    /** Those of them that are side rewards (earned only while pending; the status never waits on them). */
    sideTriggerIds?: string[];
  };
};

export type ReferralMarkedIneligible = {
  type: 'ReferralMarkedIneligible';
  data: { referralId: string; reason: IneligibleReason; at: string };
};

export type RewardEarned = { type: 'RewardEarned'; data: EarnedReward };

export type CheckScheduled = {
  type: 'CheckScheduled';
  data: { referralId: string; triggerId: string; timerId: string; dueAt: string };
};

/** A trigger that will never apply to this referral (e.g. the first subscription was another product). */
export type TriggerSkipped = {
  type: 'TriggerSkipped';
  data: { referralId: string; triggerId: string; reason: string; at: string };
};

export type ReferralForfeited = {
  type: 'ReferralForfeited';
  data: { referralId: string; triggerId: string; reason: ForfeitReason; at: string };
};

/** A recurring trigger stops for good (the referee stopped being a client). */
export type TriggerEnded = {
  type: 'TriggerEnded';
  data: { referralId: string; triggerId: string; reason: string; at: string };
};

export type ReferralEvent =
  | ReferralCreated
  | ReferralMarkedIneligible
  | RewardEarned
  | CheckScheduled
  | TriggerSkipped
  | ReferralForfeited
  | TriggerEnded;

export type ReferralEventType = ReferralEvent['type'];
