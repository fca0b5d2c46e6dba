import type { BillingEvent } from '@referrals/contracts';
import {
  Decision,
  ProgramRegistry,
  ReferralEngine,
  ReferralView,
  RewardView,
} from '@referrals/domain';
import type { EventStore, RecordedEvent, Subscription } from '@referrals/event-store';
import { accountHistory, accountStreamPrefix } from '@referrals/ingestion';
import type { ReadModelWriter } from '@referrals/projections';
import type { DueCheck } from './check-timers';
import { DecisionLog } from './decision-log';
import { ReorderWindow } from './reorder-window';

/** The checkpoint of one program's process manager, stored with its views. */
export const processManagerCheckpoint = (program: string) => `referral-process-manager:${program}`;
/** The single checkpoint of earlier versions, which ran every program in one lane. */
const LEGACY_CHECKPOINT = 'referral-process-manager';

export interface ProcessManagerOptions {
  /** The program this manager decides for: each program has one manager, and one leader at a time. */
  readonly program: string;
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

/**
 * The live referral process manager of one program: it follows the
 * program's account streams, lets the events through the reordering window
 * into the same engine the replay runs, appends the decisions to referral
 * streams (deterministic event ids and expected versions, so a decision taken
 * twice is a duplicate), and writes the referrer views with its checkpoint in
 * one transaction.
 *
 * On start it rebuilds its engine from the history up to its checkpoint
 * (those decisions are already stored) and follows the store from there.
 */
export class ReferralProcessManager {
  private readonly engine: ReferralEngine;
  private readonly window: ReorderWindow<Received>;
  private readonly decisions: DecisionLog;
  private readonly checkpointName: string;
  private subscription?: Subscription;
  private ticker?: NodeJS.Timeout;
  /** Wakes the manager when the first event held will have waited a window, between ticks. */
  private releaseTimer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  /** Queue notices run behind the decisions, in order, without holding them up. */
  private notices: Promise<void> = Promise.resolve();
  private receivedUpTo = -1n;
  private storedCheckpoint?: bigint;
  private stopped = false;

  constructor(private readonly options: ProcessManagerOptions) {
    this.engine = new ReferralEngine(options.programs);
    this.window = new ReorderWindow(options.reorderWindowMs);
    this.decisions = new DecisionLog(options.store);
    this.checkpointName = processManagerCheckpoint(options.program);
  }

  get program(): string {
    return this.options.program;
  }

  async start(): Promise<void> {
    const { readModel } = this.options;
    const checkpoint =
      (await readModel.checkpoint(this.checkpointName)) ??
      (await readModel.checkpoint(LEGACY_CHECKPOINT));
    if (checkpoint !== undefined) await this.rebuild(checkpoint);
    this.receivedUpTo = checkpoint ?? -1n;
    this.storedCheckpoint = checkpoint;
    this.subscription = this.options.store.subscribe({
      subscriptionId: this.checkpointName,
      streamPrefixes: [accountStreamPrefix(this.options.program)],
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
    await this.notices;
  }

  /** A due check's timer went off: apply what may be applied and fire what is due. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.serially(() => this.flush());
  }

  /** Every check scheduled and not yet fired, re-derived from the history: what Redis should hold. */
  pendingChecks(): DueCheck[] {
    return this.engine.pendingChecks();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    clearTimeout(this.releaseTimer);
    await this.subscription?.stop();
    await this.work;
    await this.notices;
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
      this.window.push(
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
    const { program } = this.options;
    const decisions: Decision[] = [];
    const touched = new Set<string>();
    for (const { event } of this.window.release(now)) {
      for (const decision of this.engine.apply(event)) {
        decisions.push(decision);
        touched.add(decision.refereeAccountId);
      }
      touched.add(event.accountId); // its own referral's view may show new progress
    }
    // A quiet program's due checks fire by the wall clock.
    if (this.window.isQuiet(now)) {
      for (const decision of this.engine.advanceTo(now)) {
        decisions.push(decision);
        touched.add(decision.refereeAccountId);
      }
    }
    this.wakeAtNextRelease(now);
    const checkpoint = this.appliedUpTo();
    if (decisions.length === 0 && touched.size === 0 && checkpoint === this.storedCheckpoint)
      return;
    await this.decisions.append(decisions);
    const referrals: ReferralView[] = [];
    const rewards: RewardView[] = [];
    for (const referee of touched) {
      const view = this.engine.referralView(program, referee);
      if (!view) continue;
      referrals.push(view);
      rewards.push(...this.engine.rewardViewsOf(program, referee));
    }
    await this.options.readModel.write({
      referrals,
      rewards,
      checkpoint: { name: this.checkpointName, position: checkpoint },
    });
    this.storedCheckpoint = checkpoint;
    this.notify(decisions);
  }

  /** So that an event leaves the window when it has waited it, not at the next tick. */
  private wakeAtNextRelease(now: number): void {
    const at = this.window.nextReleaseAt();
    clearTimeout(this.releaseTimer);
    if (at === undefined || this.stopped) return;
    this.releaseTimer = setTimeout(
      () => void this.wake().catch((e) => this.options.onError?.(e)),
      Math.max(0, at - now),
    );
  }

  /**
   * Tells the queues, after the decisions and views are stored, without
   * holding up the next step. If Redis is down, nothing is lost: the payout
   * sweep finds the rewards in the read model, and the timers are re-derived
   * from the engine (`pendingChecks`).
   */
  private notify(decisions: readonly Decision[]): void {
    const earned: string[] = [];
    const checks: DueCheck[] = [];
    for (const event of decisions.flatMap((d) => d.events)) {
      if (event.type === 'RewardEarned') earned.push(event.data.rewardId);
      else if (event.type === 'CheckScheduled')
        checks.push({ timerId: event.data.timerId, dueAt: event.data.dueAt });
    }
    if (earned.length === 0 && checks.length === 0) return;
    const { onRewardsEarned, onChecksScheduled, onError } = this.options;
    this.notices = this.notices
      .then(async () => {
        if (earned.length > 0) await onRewardsEarned?.(earned);
        if (checks.length > 0) await onChecksScheduled?.(checks);
      })
      .catch((e) => onError?.(e));
  }

  /** Every account event at or before this position has been applied. */
  private appliedUpTo(): bigint {
    let upTo = this.receivedUpTo;
    for (const held of this.window.heldItems()) {
      if (held.position - 1n < upTo) upTo = held.position - 1n;
    }
    return upTo;
  }

  /** Re-runs the applied history in time order, without appending: those decisions are stored already. */
  private async rebuild(upTo: bigint): Promise<void> {
    const history: Received[] = [];
    const streamPrefixes = [accountStreamPrefix(this.options.program)];
    for await (const stored of accountHistory(this.options.store, { upTo, streamPrefixes }))
      history.push(stored);
    history.sort(
      (a, b) =>
        Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) ||
        (a.position < b.position ? -1 : 1),
    );
    for (const { event } of history) {
      for (const decision of this.engine.apply(event)) this.decisions.noteStored(decision);
    }
  }
}
