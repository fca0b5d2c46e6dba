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

/**
 * On the event that took a referral out of `pending`: the referee's successful
 * payments at that moment, the count its view shows from then on (CONTRACT §2).
 * The engine writes it, so a rebuild reads the count the decision saw instead
 * of guessing it from the time (a payment at the decision's very instant may
 * have come before or after it). Optional: events stored before it existed lack
 * it, and a rebuild counts the payments up to `decidedAt` for them.
 */
export interface DecisionCount {
  readonly refereePaymentsAtDecision?: number;
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
  } & DecisionCount; // a program whose triggers are all side rewards is decided as it opens
};

export type ReferralMarkedIneligible = {
  type: 'ReferralMarkedIneligible';
  data: { referralId: string; reason: IneligibleReason; at: string } & DecisionCount;
};

export type RewardEarned = { type: 'RewardEarned'; data: EarnedReward & DecisionCount };

export type CheckScheduled = {
  type: 'CheckScheduled';
  data: { referralId: string; triggerId: string; timerId: string; dueAt: string };
};

/** A trigger that will never apply to this referral (e.g. the first subscription was another product). */
export type TriggerSkipped = {
  type: 'TriggerSkipped';
  data: { referralId: string; triggerId: string; reason: string; at: string } & DecisionCount;
};

export type ReferralForfeited = {
  type: 'ReferralForfeited';
  data: {
    referralId: string;
    triggerId: string;
    reason: ForfeitReason;
    at: string;
  } & DecisionCount;
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
