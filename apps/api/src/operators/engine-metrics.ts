import { WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue, Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventIngestor, IngestOutcome } from '@referrals/ingestion';
import { ProgramLeaders } from '@referrals/process-manager';
import { quoteIdent, SqlClient } from '@referrals/projections';
import { StripeInbox } from '@referrals/stripe';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Prometheus metrics of one engine (its own registry, so several engines in
 * one test process do not collide). What every process shares is read at
 * scrape time from where it lives: queue depths from Redis, rewards paid from
 * the read model. What happens in this process is counted as it happens:
 * events accepted by the API, and the payout and webhook jobs of the worker
 * running beside it (RUN_WORKER); a worker running apart is not seen here.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly eventsAccepted: Counter<'program' | 'type'>;
  private readonly stripeEvents: Counter<'program' | 'type' | 'outcome'>;
  private readonly payoutLatency: Histogram<never>;
  private readonly webhookLatency: Histogram<'outcome'>;
  private queues: readonly Queue[] = [];
  private leaders?: ProgramLeaders;

  constructor(
    private readonly db: SqlClient,
    private readonly schema: string,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'referrals_' });
    this.eventsAccepted = new Counter({
      name: 'referrals_events_accepted_total',
      help: 'Billing events in accepted requests (stored, or repeats of stored ones), by program and type',
      labelNames: ['program', 'type'],
      registers,
    });
    this.stripeEvents = new Counter({
      name: 'referrals_stripe_events_total',
      help: 'Stripe webhook events by program, Stripe type and outcome (mapped, ignored, unmapped, rejected, invalid, bad_signature)',
      labelNames: ['program', 'type', 'outcome'],
      registers,
    });
    this.payoutLatency = new Histogram({
      name: 'referrals_payout_latency_seconds',
      help: 'From a reward queued for payout (decided) to its payout job done',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.webhookLatency = new Histogram({
      name: 'referrals_webhook_latency_seconds',
      help: 'One webhook delivery attempt to upstream, by outcome',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.queueGauge(registers);
    this.deciderGauges(registers);
    this.rewardsPaidGauges(registers);
  }

  /**
   * Once the application has started: the queues to count, and from its
   * providers the queue processors (workers) to time and the process managers
   * (through their program leaders) to ask for their backlog.
   */
  attach(queues: readonly Queue[], providers: readonly unknown[]): void {
    this.queues = queues;
    for (const instance of providers) {
      if (instance instanceof WorkerHost) this.observe(instance.worker);
      if (instance instanceof StripeInbox)
        instance.onReceipt((program, type, outcome) =>
          this.stripeEvents.inc({ program, type, outcome }),
        );
      const leaders = (instance as { leaders?: unknown } | undefined)?.leaders;
      if (leaders instanceof ProgramLeaders) this.leaders = leaders;
    }
  }

  /** The ingestor the API uses, counting the events of each accepted request. */
  countingIngestor(ingestor: EventIngestor): EventIngestor {
    // Everything else is the ingestor's own (its prototype); only ingest() is observed.
    const counting = Object.create(ingestor) as EventIngestor;
    counting.ingest = async (body: unknown): Promise<IngestOutcome> => {
      const outcome = await ingestor.ingest(body);
      if (outcome.status === 'accepted') {
        for (const event of (Array.isArray(body) ? body : [body]) as {
          program: string;
          type: string;
        }[])
          this.eventsAccepted.inc({ program: event.program, type: event.type });
      }
      return outcome;
    };
    return counting;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private observe(worker: Worker | undefined): void {
    if (!worker) return;
    const seconds = (from: number | undefined, job: Job) =>
      Math.max(0, ((job.finishedOn ?? Date.now()) - (from ?? job.timestamp)) / 1000);
    if (worker.name === 'payouts') {
      worker.on('completed', (job) => this.payoutLatency.observe(seconds(job.timestamp, job)));
    } else if (worker.name === 'deliveries') {
      worker.on('completed', (job) =>
        this.webhookLatency.observe({ outcome: 'delivered' }, seconds(job.processedOn, job)),
      );
      worker.on('failed', (job) => {
        if (job) this.webhookLatency.observe({ outcome: 'failed' }, seconds(job.processedOn, job));
      });
    }
  }

  private queueGauge(registers: Registry[]): void {
    const queues = () => this.queues;
    new Gauge({
      name: 'referrals_queue_jobs',
      help: 'Jobs in each queue by state, now (shared by every worker on this Redis)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          queues().map(async (queue: Queue) => {
            const counts = await queue.getJobCounts(...JOB_STATES);
            for (const state of JOB_STATES)
              this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  private deciderGauges(registers: Registry[]): void {
    const managers = () => this.leaders?.managers() ?? [];
    new Gauge({
      name: 'referrals_reorder_window_events',
      help: 'Events held in the reordering window of each program this process decides',
      labelNames: ['program'],
      registers,
      collect() {
        this.reset();
        for (const m of managers()) this.set({ program: m.program }, m.backlog().held);
      },
    });
    new Gauge({
      name: 'referrals_decision_lag_seconds',
      help: 'How long the oldest event not yet decided has waited, per program this process decides (0: caught up)',
      labelNames: ['program'],
      registers,
      collect() {
        this.reset();
        for (const m of managers())
          this.set({ program: m.program }, m.backlog().oldestWaitMs / 1000);
      },
    });
  }

  private rewardsPaidGauges(registers: Registry[]): void {
    const { db, schema } = this;
    const paid = () =>
      db.query<{ program: string; kind: string; unit: string; n: string; amount: string }>(
        `SELECT program, kind, unit, count(*)::text AS n, sum(amount)::text AS amount
         FROM ${quoteIdent(schema)}.reward_view WHERE status = 'paid' GROUP BY program, kind, unit`,
      );
    new Gauge({
      name: 'referrals_rewards_paid',
      help: 'Rewards paid so far, by program and kind (from the read model: every worker)',
      labelNames: ['program', 'kind'],
      registers,
      async collect() {
        this.reset();
        for (const r of await paid()) this.set({ program: r.program, kind: r.kind }, Number(r.n));
      },
    });
    new Gauge({
      name: 'referrals_rewards_paid_amount',
      help: 'Amount of the rewards paid so far, by program, kind and unit (USD in cents, or minutes)',
      labelNames: ['program', 'kind', 'unit'],
      registers,
      async collect() {
        this.reset();
        for (const r of await paid())
          this.set({ program: r.program, kind: r.kind, unit: r.unit }, Number(r.amount));
      },
    });
  }
}
