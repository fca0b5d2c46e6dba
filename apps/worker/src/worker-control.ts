import { Inject, Injectable } from '@nestjs/common';
import type { ProgramLeaders } from '@referrals/process-manager';
import { Deliveries, PayoutQueue, WebhookOutbox } from '@referrals/rewards';
import { ProcessManagerHost } from './process-manager.host';
import { RewardProjections } from './reward-projections';
import { Runtime, RUNTIME } from './worker.tokens';

/** What the process that hosts the worker (and its tests) may ask of it. */
@Injectable()
export class WorkerControl {
  constructor(
    @Inject(ProcessManagerHost) private readonly host: ProcessManagerHost,
    @Inject(PayoutQueue) readonly payouts: PayoutQueue,
    @Inject(Deliveries) readonly deliveries: Deliveries,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(RewardProjections) private readonly projections: RewardProjections,
    @Inject(WebhookOutbox) private readonly outbox: WebhookOutbox,
  ) {}

  /** The process managers of the programs this worker leads. */
  get leaders(): ProgramLeaders {
    return this.host.leaders;
  }

  /** Waits until decisions are taken, the payouts queued so far are done, and their webhooks queued. */
  async settle(): Promise<void> {
    await this.host.leaders.settle();
    for (let i = 0; i < 400; i++) {
      await this.projections.poke();
      if (
        (await this.payouts.pending()) === 0 &&
        (await this.runtime.payout.unpaid(1)).length === 0 &&
        (await this.outbox.unqueued()) === 0
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
