import type { RewardView } from '@referrals/domain';
import { EventStore, quoteIdent, SqlDatabase } from '@referrals/event-store';
import type { ProjectionRunner } from '@referrals/projections';
import { RewardCommandRejected } from './reward/reward.decider';
import { RewardStreams } from './reward/reward-streams';
import { lockRewardView } from './reward-rows';

export type CashAction = 'approve' | 'void';

export type CashActionOutcome =
  | { readonly ok: true; readonly reward: RewardView }
  | {
      readonly ok: false;
      readonly reason: 'not_found' | 'not_cash' | 'wrong_status' | 'in_another_batch';
      readonly status?: string;
    };

/**
 * Cash waits for people: an admin approves or voids it. Each decision is an
 * event in the reward's stream, appended at its expected version with who
 * acted; the view and the ledger follow as projections of it.
 */
export class CashApprovals {
  private readonly s: string;
  private readonly rewards: RewardStreams;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    store: EventStore,
    private readonly lifecycle: ProjectionRunner,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.s = quoteIdent(schema);
    this.rewards = new RewardStreams(store);
  }

  async act(rewardId: string, action: CashAction, by: string): Promise<CashActionOutcome> {
    const at = this.clock().toISOString();
    const known = await lockRewardView(this.db, this.s, rewardId);
    if (!known) return { ok: false, reason: 'not_found' };
    if (known.kind !== 'cash') return { ok: false, reason: 'not_cash' };
    let position: bigint | undefined;
    try {
      ({ position } = await this.rewards.handle(
        rewardId,
        action === 'approve'
          ? { type: 'Approve', data: { rewardId, by, at } }
          : { type: 'Void', data: { rewardId, by, reason: 'admin', at } },
      ));
    } catch (error) {
      if (!(error instanceof RewardCommandRejected)) throw error;
      const status = error.status === 'unpaid' ? 'earned' : error.status;
      const reason = error.reason === 'in_another_batch' ? error.reason : 'wrong_status';
      return { ok: false, reason, status };
    }
    await (position === undefined ? this.lifecycle.catchUp() : this.lifecycle.catchUpTo(position));
    return { ok: true, reward: (await lockRewardView(this.db, this.s, rewardId))! };
  }
}
