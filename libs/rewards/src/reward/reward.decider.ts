import type { RewardCommand } from './reward.commands';
import type { RewardEvent, RewardFacts } from './reward.events';

/**
 * Where a reward stands, folded from its own stream. `unpaid`: nothing has
 * happened to it since it was earned (its facts may already be adjusted).
 */
export type RewardLifecycleStatus =
  | 'unpaid'
  | 'paid'
  | 'awaiting_approval'
  | 'approved'
  | 'exported'
  | 'paid_out'
  | 'voided'
  | 'expired';

export interface RewardState {
  readonly status: RewardLifecycleStatus;
  /** The facts the first money event (or an adjustment) recorded. */
  readonly reward?: RewardFacts;
  /** The open batch holding exported cash, or the batch that paid it out. */
  readonly batchId?: string;
  readonly paidAt?: string;
}

export type RewardRejection =
  'not_cash' | 'wrong_status' | 'in_another_batch' | 'already_paid_out' | 'wrong_reward';

/** A command the reward's state does not allow; the API answers 409 with `reason` and `status`. */
export class RewardCommandRejected extends Error {
  constructor(
    readonly reason: RewardRejection,
    readonly status: RewardLifecycleStatus,
    readonly command: RewardCommand['type'],
  ) {
    super(`cannot ${command} a reward that is ${status}: ${reason}`);
  }
}

export const initialRewardState = (): RewardState => ({ status: 'unpaid' });

export function evolveReward(state: RewardState, event: RewardEvent): RewardState {
  switch (event.type) {
    case 'RewardPaid':
      return { status: 'paid', reward: event.data.reward, paidAt: event.data.at };
    case 'RewardAwaitingApproval':
      return { status: 'awaiting_approval', reward: event.data.reward };
    case 'RewardApproved':
      return { ...state, status: 'approved' };
    case 'RewardVoided':
      return { ...state, status: 'voided' };
    case 'RewardExported':
      return { ...state, status: 'exported', batchId: event.data.batchId };
    case 'RewardExportCancelled':
      return { status: 'approved', reward: state.reward };
    case 'CashPaidOut':
      return { ...state, status: 'paid_out', paidAt: event.data.at };
    case 'RewardExpired':
      return { ...state, status: 'expired' };
    case 'RewardAdjusted':
      return { ...state, reward: event.data.reward };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown reward event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/** What the ledger holds for the reward now: taken back by a void, an expiry, or moved by an adjustment. */
const credited = (state: RewardState): boolean =>
  state.status === 'paid' || state.status === 'awaiting_approval' || state.status === 'approved';

export function decideReward(command: RewardCommand, state: RewardState): RewardEvent[] {
  const reject = (reason: RewardRejection): never => {
    throw new RewardCommandRejected(reason, state.status, command.type);
  };
  switch (command.type) {
    case 'Pay': {
      if (state.status !== 'unpaid') return []; // paid once, whatever asks again
      const reward = state.reward ?? command.data.reward;
      if (reward.rewardId !== command.data.reward.rewardId) reject('wrong_reward');
      const { rewardId } = reward;
      const { at } = command.data;
      if (reward.kind === 'cash')
        return [{ type: 'RewardAwaitingApproval', data: { rewardId, reward, at } }];
      const paid: RewardEvent = { type: 'RewardPaid', data: { rewardId, reward, at } };
      // Minutes paid after their time (a late backfill) lapse at once.
      return [paid, ...decideReward(expire(rewardId, at), evolveReward(state, paid))];
    }
    case 'Approve': {
      const { rewardId, by, at } = command.data;
      if (state.reward && state.reward.kind !== 'cash') reject('not_cash');
      if (state.status === 'approved' || state.status === 'exported') return []; // said twice
      if (state.status !== 'awaiting_approval') reject('wrong_status');
      return [{ type: 'RewardApproved', data: { rewardId, by, at } }];
    }
    case 'Void': {
      const { rewardId, by, reason, at } = command.data;
      if (state.status === 'voided') return [];
      if (reason === 'admin') {
        if (state.reward && state.reward.kind !== 'cash') reject('not_cash');
        if (state.status !== 'awaiting_approval') reject('wrong_status');
      } else {
        if (state.status === 'expired') return []; // nothing left to take back
        if (state.status === 'exported') reject('in_another_batch');
        if (state.status === 'paid_out') reject('already_paid_out');
      }
      const amount = credited(state) ? state.reward!.amount : 0;
      return [{ type: 'RewardVoided', data: { rewardId, by, reason, amount, at } }];
    }
    case 'ExportForPayout': {
      const { rewardId, batchId, by, at } = command.data;
      if (state.status === 'exported')
        return state.batchId === batchId ? [] : reject('in_another_batch');
      if (state.status !== 'approved') reject('wrong_status');
      return [{ type: 'RewardExported', data: { rewardId, batchId, by, at } }];
    }
    case 'CancelExport': {
      const { rewardId, batchId, by, at } = command.data;
      if (state.status !== 'exported' || state.batchId !== batchId) return [];
      return [{ type: 'RewardExportCancelled', data: { rewardId, batchId, by, at } }];
    }
    case 'ConfirmPayout': {
      const { rewardId, batchId, by, at } = command.data;
      if (state.status === 'paid_out' && state.batchId === batchId) return [];
      if (state.status !== 'exported') reject('wrong_status');
      if (state.batchId !== batchId) reject('in_another_batch');
      return [{ type: 'CashPaidOut', data: { rewardId, batchId, by, reward: state.reward!, at } }];
    }
    case 'Expire': {
      const { rewardId, at } = command.data;
      const reward = state.reward;
      if (state.status !== 'paid' || reward?.kind !== 'bonus_minutes' || !reward.expiresAt)
        return [];
      if (Date.parse(reward.expiresAt) > Date.parse(at)) return [];
      return [
        {
          type: 'RewardExpired',
          data: { rewardId, reward, paidAt: state.paidAt!, amount: reward.amount, at },
        },
      ];
    }
    case 'Adjust': {
      const { earned, amount, programVersion, by, at } = command.data;
      const current = state.reward ?? earned;
      if (current.amount === amount) return [];
      if (state.status === 'voided' || state.status === 'expired') return [];
      if (state.status === 'exported') reject('in_another_batch');
      if (state.status === 'paid_out') reject('already_paid_out');
      return [
        {
          type: 'RewardAdjusted',
          data: {
            rewardId: current.rewardId,
            reward: { ...current, amount },
            previousAmount: current.amount,
            reason: 'rule_change',
            programVersion,
            by,
            at,
          },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown reward command ${JSON.stringify(exhaustive)}`);
    }
  }
}

const expire = (rewardId: string, at: string): RewardCommand => ({
  type: 'Expire',
  data: { rewardId, at },
});

/** The reward decider in Emmett's shape. */
export const rewardDecider = {
  decide: decideReward,
  evolve: evolveReward,
  initialState: initialRewardState,
};
