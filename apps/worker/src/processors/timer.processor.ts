import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { TIMER_QUEUE } from '@referrals/process-manager';
import { ProcessManagerHost } from '../process-manager.host';
import { WORKER_LOCKS, WORKER_SETTINGS, WorkerSettings, WORKER_METRICS } from '../worker.tokens';

/** A due check's delayed job: it only wakes the process manager, which decides. */
@Processor(TIMER_QUEUE, { metrics: WORKER_METRICS, ...WORKER_LOCKS })
export class TimerProcessor extends WorkerHost {
  constructor(
    @Inject(ProcessManagerHost) private readonly host: ProcessManagerHost,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {
    super();
  }

  process(): Promise<void> {
    return this.host.wake();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.settings.onError(error);
  }
}
