import type { RewardView } from '@referrals/domain';

/**
 * The events of a reward's own stream, `reward:<rewardId>`: what happened to
 * it after the referral decided it (`RewardEarned`, in the referral's stream).
 * Every event that moves money carries the reward's facts, so the ledger and
 * the webhook outbox are projections of these events alone.
 */

/** What was decided: the reward as the referral stream earned it (amount after any adjustment). */
export type RewardFacts = Omit<RewardView, 'status' | 'paidAt'>;

/** Who acted: an API key's name (`admin`, `program:<id>`), or the engine (`payout-worker`, `expiry-sweep`). */
export type Actor = string;

export type VoidReason = 'admin' | 'rule_change';

/** Bonus minutes or account credit went to the beneficiary. */
export type RewardPaid = {
  type: 'RewardPaid';
  data: { rewardId: string; reward: RewardFacts; at: string };
};

/** Cash is owed and waits for an admin. */
export type RewardAwaitingApproval = {
  type: 'RewardAwaitingApproval';
  data: { rewardId: string; reward: RewardFacts; at: string };
};

export type RewardApproved = {
  type: 'RewardApproved';
  data: { rewardId: string; by: Actor; at: string };
};

/** Nothing more is owed; `amount` is what the ledger takes back (0 when nothing was credited yet). */
export type RewardVoided = {
  type: 'RewardVoided';
  data: { rewardId: string; by: Actor; reason: VoidReason; amount: number; at: string };
};

/** Approved cash went into a payout batch; it is in no other until the batch is cancelled. */
export type RewardExported = {
  type: 'RewardExported';
  data: { rewardId: string; batchId: string; by: Actor; at: string };
};

/** Its batch was cancelled: the cash is approved again, free for the next batch. */
export type RewardExportCancelled = {
  type: 'RewardExportCancelled';
  data: { rewardId: string; batchId: string; by: Actor; at: string };
};

/** The batch holding the cash was confirmed paid. */
export type CashPaidOut = {
  type: 'CashPaidOut';
  data: { rewardId: string; batchId: string; by: Actor; reward: RewardFacts; at: string };
};

/** Bonus minutes lapsed at `reward.expiresAt`; `amount` is what the ledger takes back. */
export type RewardExpired = {
  type: 'RewardExpired';
  data: { rewardId: string; reward: RewardFacts; paidAt: string; amount: number; at: string };
};

/** A correction under changed rules: the reward is now worth `reward.amount`. */
export type RewardAdjusted = {
  type: 'RewardAdjusted';
  data: {
    rewardId: string;
    reward: RewardFacts;
    previousAmount: number;
    reason: 'rule_change';
    /** The content hash of the program file whose rules asked for the change. */
    programVersion: string;
    by: Actor;
    at: string;
  };
};

export type RewardEvent =
  | RewardPaid
  | RewardAwaitingApproval
  | RewardApproved
  | RewardVoided
  | RewardExported
  | RewardExportCancelled
  | CashPaidOut
  | RewardExpired
  | RewardAdjusted;

export type RewardEventType = RewardEvent['type'];

export const REWARD_EVENT_TYPES: readonly RewardEventType[] = [
  'RewardPaid',
  'RewardAwaitingApproval',
  'RewardApproved',
  'RewardVoided',
  'RewardExported',
  'RewardExportCancelled',
  'CashPaidOut',
  'RewardExpired',
  'RewardAdjusted',
];

export const isRewardEvent = (event: { type: string }): event is RewardEvent =>
  (REWARD_EVENT_TYPES as readonly string[]).includes(event.type);

/** A reward's lifecycle has a stream of its own. */
export const REWARD_STREAM_PREFIX = 'reward:';
export const rewardStream = (rewardId: string) => `${REWARD_STREAM_PREFIX}${rewardId}`;

/**
 * Deterministic event ids: a decision taken twice (a job run again, two
 * workers) is the same event, never a second one. Steps that can happen more
 * than once in a reward's life (export and its cancel, adjustments) are named
 * by the stream position they were decided at.
 */
export const rewardEventId = (event: RewardEvent, position: bigint): string => {
  switch (event.type) {
    case 'RewardExported':
    case 'RewardExportCancelled':
    case 'CashPaidOut':
      return `${event.type}-${event.data.rewardId}-${event.data.batchId}`;
    case 'RewardAdjusted':
      return `${event.type}-${event.data.rewardId}-${position}`;
    default:
      return `${event.type}-${event.data.rewardId}`;
  }
};
