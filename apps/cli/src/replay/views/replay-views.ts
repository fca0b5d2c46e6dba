import type { ReferralView, RewardView } from '@referrals/domain';
import type { ReplayResult } from '../replay';

/**
 * What a replay decided, in the order it is printed, read one view at a time:
 * held in memory, or written out as each program finished (SpilledViews).
 */
export interface ReplayViews {
  readonly asOf: string;
  readonly referralCount: number;
  readonly rewardCount: number;
  referrals(): Iterable<ReferralView>;
  rewards(): Iterable<RewardView>;
  /** Lets go of what holds them; reading after it is an error. */
  close(): void;
}

/** All of them at once, for outputs that need every view together (tables, CSV). */
export const heldInMemory = (views: ReplayViews): ReplayResult => ({
  asOf: views.asOf,
  referrals: [...views.referrals()],
  rewards: [...views.rewards()],
});
