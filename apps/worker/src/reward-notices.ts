import { Inject, Injectable } from '@nestjs/common';
import { Deliveries, Payout, rewardNotice } from '@referrals/rewards';
import { Runtime, RUNTIME, WORKER_SETTINGS, WorkerSettings } from './worker.tokens';

/** Turns paid and expired rewards into webhook deliveries to the programs' upstream systems. */
@Injectable()
export class RewardNotices {
  constructor(
    @Inject(Deliveries) private readonly deliveries: Deliveries,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /**
   * A payout ran (again): tell upstream of a paid reward (cash waits for its
   * approval). Minutes paid after their expiry (a late backfill) lapse at once,
   * rather than at the next sweep, so no balance shows them.
   */
  async paid({ view }: Payout): Promise<void> {
    if (view?.status !== 'paid') return;
    await this.deliveries.enqueue([rewardNotice('reward.paid', view)]);
    const now = new Date(this.settings.clock());
    if (view.kind === 'bonus_minutes' && view.expiresAt && Date.parse(view.expiresAt) <= +now)
      await this.expired(await this.runtime.payout.expireDue(now, [view.rewardId]));
  }

  /** Bonus minutes lapsed: upstream takes back what is left. */
  async expired(rewardIds: readonly string[]): Promise<void> {
    const views = await this.runtime.payout.views(rewardIds);
    await this.deliveries.enqueue(views.map((view) => rewardNotice('reward.expired', view)));
  }
}
