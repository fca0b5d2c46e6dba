import type { RewardView } from '@referrals/domain';

/**
 * The events of a reward's own stream (`reward:<id>`): its payout lifecycle
 * after the decision that earned it.
 */
export type PayoutEvent =
  | { type: 'RewardPaid'; data: { rewardId: string; at: string } }
  | { type: 'RewardAwaitingApproval'; data: { rewardId: string; at: string } }
  | { type: 'RewardApproved'; data: { rewardId: string; actor: string; at: string } }
  | { type: 'RewardVoided'; data: { rewardId: string; actor: string; at: string } }
  | { type: 'CashPaidOut'; data: { rewardId: string; actor: string; at: string } };

/** Folds one payout event onto the reward's view: what the stream says its status is. */
export function evolveRewardView(view: RewardView, event: PayoutEvent): RewardView {
  switch (event.type) {
    case 'RewardPaid':
    case 'CashPaidOut':
      return { ...view, status: 'paid', paidAt: event.data.at };
    case 'RewardAwaitingApproval':
      return { ...view, status: 'awaiting_approval' };
    case 'RewardApproved':
      return { ...view, status: 'approved' };
    case 'RewardVoided':
      return { ...view, status: 'voided' };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown payout event ${JSON.stringify(exhaustive)}`);
    }
  }
}
