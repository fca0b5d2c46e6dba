import type { Actor } from './reward.events';

/**
 * A payout batch, `payout-batch:<batchId>`: the approved cash one export
 * lists. Its rewards' own streams say `RewardExported(batchId)`, so a reward
 * in an open batch is in no other; confirming pays them out, cancelling frees
 * them for the next batch.
 */
export type BatchOpened = {
  type: 'BatchOpened';
  data: { batchId: string; rewardIds: string[]; dueBefore?: string; by: Actor; at: string };
};
export type BatchConfirmed = {
  type: 'BatchConfirmed';
  data: { batchId: string; by: Actor; at: string };
};
export type BatchCancelled = {
  type: 'BatchCancelled';
  data: { batchId: string; by: Actor; at: string };
};
export type PayoutBatchEvent = BatchOpened | BatchConfirmed | BatchCancelled;

export type OpenBatch = { type: 'OpenBatch'; data: BatchOpened['data'] };
export type ConfirmBatch = {
  type: 'ConfirmBatch';
  data: { batchId: string; by: Actor; at: string };
};
export type CancelBatch = { type: 'CancelBatch'; data: { batchId: string; by: Actor; at: string } };
export type PayoutBatchCommand = OpenBatch | ConfirmBatch | CancelBatch;

export type PayoutBatchStatus = 'none' | 'open' | 'confirmed' | 'cancelled';

export interface PayoutBatchState {
  readonly status: PayoutBatchStatus;
  readonly rewardIds: readonly string[];
  readonly openedAt?: string;
  readonly dueBefore?: string;
}

export class PayoutBatchRejected extends Error {
  constructor(
    readonly status: PayoutBatchStatus,
    readonly command: PayoutBatchCommand['type'],
  ) {
    super(`cannot ${command} a payout batch that is ${status === 'none' ? 'unknown' : status}`);
  }
}

export const PAYOUT_BATCH_STREAM_PREFIX = 'payout-batch:';
export const payoutBatchStream = (batchId: string) => `${PAYOUT_BATCH_STREAM_PREFIX}${batchId}`;

export const initialPayoutBatchState = (): PayoutBatchState => ({ status: 'none', rewardIds: [] });

export function evolvePayoutBatch(
  state: PayoutBatchState,
  event: PayoutBatchEvent,
): PayoutBatchState {
  switch (event.type) {
    case 'BatchOpened':
      return {
        status: 'open',
        rewardIds: event.data.rewardIds,
        openedAt: event.data.at,
        ...(event.data.dueBefore !== undefined && { dueBefore: event.data.dueBefore }),
      };
    case 'BatchConfirmed':
      return { ...state, status: 'confirmed' };
    case 'BatchCancelled':
      return { ...state, status: 'cancelled' };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown payout batch event ${JSON.stringify(exhaustive)}`);
    }
  }
}

export function decidePayoutBatch(
  command: PayoutBatchCommand,
  state: PayoutBatchState,
): PayoutBatchEvent[] {
  const reject = (): never => {
    throw new PayoutBatchRejected(state.status, command.type);
  };
  switch (command.type) {
    case 'OpenBatch':
      if (state.status !== 'none') reject();
      return [{ type: 'BatchOpened', data: command.data }];
    case 'ConfirmBatch':
      if (state.status === 'confirmed') return []; // said twice
      if (state.status !== 'open') reject();
      return [{ type: 'BatchConfirmed', data: command.data }];
    case 'CancelBatch':
      if (state.status === 'cancelled') return [];
      if (state.status !== 'open') reject();
      return [{ type: 'BatchCancelled', data: command.data }];
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown payout batch command ${JSON.stringify(exhaustive)}`);
    }
  }
}

export const payoutBatchDecider = {
  decide: decidePayoutBatch,
  evolve: evolvePayoutBatch,
  initialState: initialPayoutBatchState,
};
