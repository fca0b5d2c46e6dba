import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../queues.module';
import { DeliveryProcessor } from './delivery.processor';
import { PayoutProcessor } from './payout.processor';
import { TimerProcessor } from './timer.processor';

/**
 * Closes the queue processors' BullMQ workers before @nestjs/bullmq does (it
 * waits for their jobs, `close()`; a second close returns this one).
 *
 * With Redis answering, the jobs in flight finish first, as before. With
 * Redis down (never reached, or gone), they are cut (`close(true)`): a
 * graceful close waits for the blocking connection to end, which never
 * happens to one still connecting or reconnecting, so the process would
 * not stop. Cutting loses nothing: a job cut short keeps its lock in Redis
 * until it expires and is then run again (a job run twice is harmless: a
 * reward's stream is appended at its expected version, a webhook carries
 * its id), and a job's effects are in PostgreSQL or not at all.
 */
@Injectable()
export class ProcessorsShutdown implements BeforeApplicationShutdown {
  private readonly hosts: readonly WorkerHost[];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PayoutProcessor) payouts: PayoutProcessor,
    @Inject(TimerProcessor) timers: TimerProcessor,
    @Inject(DeliveryProcessor) deliveries: DeliveryProcessor,
  ) {
    this.hosts = [payouts, timers, deliveries];
  }

  async beforeApplicationShutdown(): Promise<void> {
    const force = this.redis.status !== 'ready';
    await Promise.all(this.hosts.map((host) => workerOf(host)?.close(force)));
  }
}

/** The host's BullMQ worker, if it was ever made (not when start-up failed before). */
function workerOf(host: WorkerHost) {
  try {
    return host.worker;
  } catch {
    return undefined;
  }
}
