import { Inject, Injectable } from '@nestjs/common';
import { Deliveries, Payout, rewardNotice } from '@referrals/rewards';
import { Runtime, RUNTIME } from './worker.tokens';

/** Turns paid and expired rewards into webhook deliveries to the programs' upstream systems. */
@Injectable()
export class RewardNotices {
  constructor(
    @Inject(Deliveries) private readonly deliveries: Deliveries,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** A payout ran (again): tell upstream of a paid reward; cash waits for its approval. */
  async paid({ view }: Payout): Promise<void> {
    if (view?.status === 'paid') await this.deliveries.enqueue([rewardNotice('reward.paid', view)]);
  }

  /** Bonus minutes lapsed: upstream takes back what is left. */
  async expired(rewardIds: readonly string[]): Promise<void> {
    const views = await Promise.all(rewardIds.map((id) => this.runtime.payout.view(id)));
    await this.deliveries.enqueue(
      views.flatMap((view) => (view ? [rewardNotice('reward.expired', view)] : [])),
    );
  }
}
