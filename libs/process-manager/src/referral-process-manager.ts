import type { BillingEvent } from '@referrals/contracts';
import {
  Decision,
  ProgramRegistry,
  ReferralEngine,
  ReferralView,
  RewardView,
} from '@referrals/domain';
import type { EventStore, RecordedEvent, Subscription } from '@referrals/event-store';
import { ACCOUNT_STREAM_PREFIX, accountHistory } from '@referrals/ingestion';
import type { ReadModelWriter } from '@referrals/projections';
import type { DueCheck } from './check-timers';
import { DecisionLog } from './decision-log';
import { ReorderWindow } from './reorder-window';

export const PROCESS_MANAGER = 'referral-process-manager';

export interface ProcessManagerOptions {
  readonly store: EventStore;
  readonly programs: ProgramRegistry;
  readonly readModel: ReadModelWriter;
  /** Wall-clock time in ms; tests pass a controllable clock. */
  readonly clock: () => number;
  readonly reorderWindowMs: number;
  readonly tickMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Called with the checks just scheduled and stored (the timer queue). */
  readonly onChecksScheduled?: (checks: readonly DueCheck[]) => Promise<void>;
  /** Called with the ids of rewards just earned and stored (the payout queue). */
  readonly onRewardsEarned?: (rewardIds: readonly string[]) => Promise<void>;
}

interface Received {
  readonly event: BillingEvent;
  readonly position: bigint;
}

/** One program's engine and reordering window: programs never wait on each other. */
interface Lane {
  readonly engine: ReferralEngine;
  readonly window: ReorderWindow<Received>;
}

/**
 * The live referral process manager: it follows the account streams, lets
 * each program's events through the reordering window into the same engine
 * the replay runs, appends the decisions to referral streams (deterministic
 * event ids and expected versions, so a decision taken twice is a duplicate),
 * and writes the referrer views with its checkpoint in one transaction.
 *
 * On start it rebuilds its engines from the history up to its checkpoint
 * (those decisions are already stored) and follows the store from there.
 */
export class ReferralProcessManager {
  private readonly lanes = new Map<string, Lane>();
  private readonly decisions: DecisionLog;
  private subscription?: Subscription;
  private ticker?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  private receivedUpTo = -1n;
  private storedCheckpoint?: bigint;
  private stopped = false;

  constructor(private readonly options: ProcessManagerOptions) {
    this.decisions = new DecisionLog(options.store);
  }

  async start(): Promise<void> {
    const checkpoint = await this.options.readModel.checkpoint(PROCESS_MANAGER);
    if (checkpoint !== undefined) await this.rebuild(checkpoint);
    this.receivedUpTo = checkpoint ?? -1n;
    this.storedCheckpoint = checkpoint;
    this.subscription = this.options.store.subscribe({
      subscriptionId: PROCESS_MANAGER,
      streamPrefixes: [ACCOUNT_STREAM_PREFIX],
      // The checkpoint that counts is the one stored with the views, below the events still held.
      checkpoints: { load: async () => checkpoint, store: async () => undefined },
      handle: (events) => this.serially(() => this.receive(events)),
      onError: this.options.onError,
    });
    this.ticker = setInterval(
      () => void this.serially(() => this.flush()).catch((e) => this.options.onError?.(e)),
      this.options.tickMs ?? 100,
    );
  }

  /** Resolves once every event appended before the call has been received and everything releasable applied. */
  async settle(): Promise<void> {
    await this.subscription?.caughtUp();
    await this.serially(() => this.flush());
  }

  /** A due check's timer went off: apply what may be applied and fire what is due. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.serially(() => this.flush());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    await this.subscription?.stop();
    await this.work;
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.work.then(step);
    this.work = next.catch(() => undefined);
    return next;
  }

  private async receive(events: readonly RecordedEvent[]): Promise<void> {
    const now = this.options.clock();
    for (const recorded of events) {
      const event = recorded.data as BillingEvent;
      this.lane(event.program).window.push(
        { event, position: recorded.globalPosition },
        Date.parse(event.occurredAt),
        now,
      );
      this.receivedUpTo = recorded.globalPosition;
    }
    await this.flush();
  }

  private async flush(): Promise<void> {
    const now = this.options.clock();
    const decisions: Decision[] = [];
    const touched = new Map<string, Set<string>>();
    for (const [program, lane] of this.lanes) {
      const seen = touched.get(program) ?? new Set<string>();
      touched.set(program, seen);
      for (const { event } of lane.window.release(now)) {
        for (const decision of lane.engine.apply(event)) {
          decisions.push(decision);
          seen.add(decision.refereeAccountId);
        }
        seen.add(event.accountId); // its own referral's view may show new progress
      }
      // A quiet program's due checks fire by the wall clock.
      if (lane.window.isQuiet(now)) {
        for (const decision of lane.engine.advanceTo(now)) {
          decisions.push(decision);
          seen.add(decision.refereeAccountId);
        }
      }
    }
    const checkpoint = this.appliedUpTo();
    if (
      decisions.length === 0 &&
      [...touched.values()].every((s) => s.size === 0) &&
      checkpoint === this.storedCheckpoint
    ) {
      return;
    }
    await this.decisions.append(decisions);
    const referrals: ReferralView[] = [];
    const rewards: RewardView[] = [];
    for (const [program, referees] of touched) {
      const engine = this.lane(program).engine;
      for (const referee of referees) {
        const view = engine.referralView(program, referee);
        if (!view) continue;
        referrals.push(view);
        rewards.push(...engine.rewardViewsOf(program, referee));
      }
    }
    await this.options.readModel.write({
      referrals,
      rewards,
      checkpoint: { name: PROCESS_MANAGER, position: checkpoint },
    });
    this.storedCheckpoint = checkpoint;
    const earned: string[] = [];
    const checks: DueCheck[] = [];
    for (const event of decisions.flatMap((d) => d.events)) {
      if (event.type === 'RewardEarned') earned.push(event.data.rewardId);
      else if (event.type === 'CheckScheduled')
        checks.push({ timerId: event.data.timerId, dueAt: event.data.dueAt });
    }
    // The queues are told after the decisions and views are stored; if Redis is down,
    // the payout sweep finds these rewards in the read model later, and the timers
    // are re-derived from the engine (`pendingChecks`).
    if (earned.length > 0)
      await this.options.onRewardsEarned?.(earned).catch((e) => this.options.onError?.(e));
    if (checks.length > 0)
      await this.options.onChecksScheduled?.(checks).catch((e) => this.options.onError?.(e));
  }

  /** Every check scheduled and not yet fired, re-derived from the history: what Redis should hold. */
  pendingChecks(): DueCheck[] {
    return [...this.lanes.values()].flatMap((lane) => lane.engine.pendingChecks());
  }

  /** Every account event at or before this position has been applied. */
  private appliedUpTo(): bigint {
    let upTo = this.receivedUpTo;
    for (const lane of this.lanes.values()) {
      for (const held of lane.window.heldItems()) {
        if (held.position - 1n < upTo) upTo = held.position - 1n;
      }
    }
    return upTo;
  }

  /** Re-runs the applied history in time order, without appending: those decisions are stored already. */
  private async rebuild(upTo: bigint): Promise<void> {
    const history: Received[] = [];
    for await (const stored of accountHistory(this.options.store, { upTo })) history.push(stored);
    history.sort(
      (a, b) =>
        Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) ||
        (a.position < b.position ? -1 : 1),
    );
    for (const { event } of history) {
      for (const decision of this.lane(event.program).engine.apply(event))
        this.decisions.noteStored(decision);
    }
  }

  private lane(program: string): Lane {
    let lane = this.lanes.get(program);
    if (!lane) {
      lane = {
        engine: new ReferralEngine(this.options.programs),
        window: new ReorderWindow(this.options.reorderWindowMs),
      };
      this.lanes.set(program, lane);
    }
    return lane;
  }
}
