import type { Actor, RewardFacts, VoidReason } from './reward.events';

/** What may be asked of a reward. Time comes in as data (`at`), never from a clock. */

/** The payout worker pays the reward the referral earned (its facts, from `RewardEarned`). */
export type Pay = { type: 'Pay'; data: { reward: RewardFacts; at: string } };

export type Approve = { type: 'Approve'; data: { rewardId: string; by: Actor; at: string } };

export type Void = {
  type: 'Void';
  data: { rewardId: string; by: Actor; reason: VoidReason; at: string };
};

export type ExportForPayout = {
  type: 'ExportForPayout';
  data: { rewardId: string; batchId: string; by: Actor; at: string };
};

export type CancelExport = {
  type: 'CancelExport';
  data: { rewardId: string; batchId: string; by: Actor; at: string };
};

export type ConfirmPayout = {
  type: 'ConfirmPayout';
  data: { rewardId: string; batchId: string; by: Actor; at: string };
};

/** Bonus minutes lapse once `at` is at or past their `expiresAt`. */
export type Expire = { type: 'Expire'; data: { rewardId: string; at: string } };

/** Changed rules value the reward at `amount` (`earned`: the facts as first decided). */
export type Adjust = {
  type: 'Adjust';
  data: { earned: RewardFacts; amount: number; programVersion: string; by: Actor; at: string };
};

export type RewardCommand =
  Pay | Approve | Void | ExportForPayout | CancelExport | ConfirmPayout | Expire | Adjust;
