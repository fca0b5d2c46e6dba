import type { BillingEvent } from '@referrals/contracts';
import {
  Decision,
  ProgramRegistry,
  ReferralEngine,
  ReferralView,
  RewardView,
} from '@referrals/domain';
import {
  EventStore,
  failpoint,
  isStoreUnavailable,
  RecordedEvent,
  Subscription,
  WrongExpectedVersionError,
} from '@referrals/event-store';
import { accountStreamPrefix } from '@referrals/ingestion';
import { ReadModelWriter, StaleProjectionError } from '@referrals/projections';
import { AppliedLog } from './applied-log';
import type { DueCheck } from './check-timers';
import { DecisionLog } from './decision-log';
import {
  adoptLegacyHistory,
  assertApplicable,
  Memory,
  newMemory,
  Received,
  replayAppliedLog,
} from './manager-memory';
import { programVersion } from './program-version';
import { ReorderWindow } from './reorder-window';
import { storableViews } from './storable-views';

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
  /** Failures in a row, other than the store being unreachable, before the program stops. Default 5. */
  readonly maxFailures?: number;
  /** First pause before a rebuild; doubles per failure in a row up to 5 s. Default 100 ms. */
  readonly retryDelayMs?: number;
}

/** How a program's manager is doing, for readiness. */
export interface ManagerStatus {
  readonly program: string;
  readonly state: 'starting' | 'leading' | 'recovering' | 'stopped';
  /** Every event of the program at or below this position is applied. */
  readonly appliedUpTo: string;
  /** The last failure (while recovering) or the one that stopped the program. */
  readonly error?: string;
}

/**
 * The live referral process manager of one program: it follows the
 * program's account streams, lets the events through the reordering window
 * into the same engine the replay runs, appends the decisions to referral
 * streams together with the order it applied the events in (the applied log),
 * then writes the referrer views with its checkpoint in one transaction.
 *
 * Crash-only: its memory is only a cache of the store. A flush that fails at
 * any step throws the memory away and rebuilds it by replaying the applied
 * log, which gives exactly the state the stored decisions came from; the
 * events not yet logged come again from the subscription. The store being
 * unreachable is waited out; any other failure that repeats stops the
 * program, loudly, and leaves the others running.
 */
export class ReferralProcessManager {
  private memory?: Memory;
  private readonly checkpointName: string;
  private subscription?: Subscription;
  private ticker?: NodeJS.Timeout;
  /** Wakes the manager when the first event held will have waited a window, between ticks. */
  private releaseTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  /** Queue notices run behind the decisions, in order, without holding them up. */
  private notices: Promise<void> = Promise.resolve();
  /** A new one per rebuild: batches a previous subscription hands over late are ignored. */
  private generation = 0;
  private state: ManagerStatus['state'] = 'starting';
  private lastError?: string;
  private failuresInARow = 0;
  /** The events let out by the flush that is running: named if it keeps failing. */
  private inFlight: readonly Received[] = [];
  private stopped = false;

  constructor(private readonly options: ProcessManagerOptions) {
    this.checkpointName = processManagerCheckpoint(options.program);
  }

  get program(): string {
    return this.options.program;
  }

  status(): ManagerStatus {
    return {
      program: this.program,
      state: this.state,
      appliedUpTo: (this.memory?.appliedUpTo ?? -1n).toString(),
      ...(this.lastError !== undefined && { error: this.lastError }),
    };
  }

  /** Rebuilds from the store and follows it; rejects if the store cannot be read now. */
  async start(): Promise<void> {
    await this.serially(() => this.load());
    this.state = 'leading';
    this.ticker = setInterval(() => void this.step(() => this.flush()), this.options.tickMs ?? 100);
  }

  /** Resolves once every event appended before the call has been received and everything releasable applied. */
  async settle(): Promise<void> {
    for (;;) {
      while (this.state === 'recovering' && !this.stopped) await sleep(20);
      if (this.stopped || this.state === 'stopped') return;
      const subscription = this.subscription;
      await subscription?.caughtUp();
      await this.step(() => this.flush());
      if (this.state === 'leading' && subscription === this.subscription) break;
    }
    await this.notices;
  }

  /** A due check's timer went off: apply what may be applied and fire what is due. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.step(() => this.flush());
  }

  /**
   * For /metrics: events waiting in the reordering window, and how long the
   * first of them has waited (0 when everything received is decided).
   */
  backlog(now: number = this.options.clock()): { held: number; oldestWaitMs: number } {
    const window = this.memory?.window;
    const releaseAt = window?.nextReleaseAt();
    const oldestWaitMs =
      releaseAt === undefined ? 0 : Math.max(0, now - (releaseAt - this.options.reorderWindowMs));
    return { held: window?.size ?? 0, oldestWaitMs };
  }

  /** Every check scheduled and not yet fired, re-derived from the history: what Redis should hold. */
  pendingChecks(): DueCheck[] {
    return this.memory?.engine.pendingChecks() ?? [];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearInterval(this.ticker);
    clearTimeout(this.releaseTimer);
    clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    await this.work;
    await this.notices;
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.work.then(step);
    this.work = next.catch(() => undefined);
    return next;
  }

  /** Runs a step in turn; a failure sends the manager to rebuild, never to its caller. */
  private step(work: () => Promise<void>): Promise<void> {
    return this.serially(async () => {
      if (this.state !== 'leading' || this.stopped) return;
      try {
        await work();
        this.failuresInARow = 0;
      } catch (error) {
        this.fail(error);
      }
    });
  }

  /** Throws the memory away; rebuilds after a pause, or stops the program if that is all it does. */
  private fail(error: unknown): void {
    // The store unreachable, or another manager of the program ahead (a rebuild catches up): waited out.
    const passing =
      isStoreUnavailable(error) ||
      error instanceof WrongExpectedVersionError ||
      error instanceof StaleProjectionError;
    this.failuresInARow++;
    // The events the step let out, or else the next ones it would have: what to name if it stops here.
    const suspects =
      this.inFlight.length > 0 ? this.inFlight : (this.memory?.window.heldItems() ?? []);
    this.inFlight = [];
    this.memory = undefined;
    this.generation++;
    this.lastError = (error as Error)?.message ?? String(error);
    const { program, maxFailures = 5, retryDelayMs = 100, onError } = this.options;
    if (!passing && this.failuresInARow >= maxFailures) {
      this.state = 'stopped';
      const events = suspects
        .slice(0, 10)
        .map(
          ({ event, position }) =>
            `${event.id} (${event.type}, ${event.accountId}, position ${position})`,
        )
        .join('; ');
      this.lastError = `stopped after ${this.failuresInARow} failures in a row: ${this.lastError}${events ? `; events of the failing step: ${events}` : ''}`;
      onError?.(new Error(`process manager of ${program} ${this.lastError}`, { cause: error }));
      void this.subscription?.stop();
      return;
    }
    this.state = 'recovering';
    onError?.(
      new Error(
        `process manager of ${program} failed (${this.lastError}); rebuilding from the store`,
        {
          cause: error,
        },
      ),
    );
    const delay = Math.min(5_000, retryDelayMs * 2 ** Math.min(this.failuresInARow - 1, 10));
    this.retryTimer = setTimeout(() => void this.recover(), delay);
  }

  private async recover(): Promise<void> {
    if (this.stopped) return;
    const old = this.subscription;
    this.subscription = undefined;
    await old?.stop();
    await this.serially(async () => {
      if (this.stopped) return;
      try {
        await this.load();
        this.state = 'leading';
      } catch (error) {
        this.fail(error);
      }
    });
  }

  /** A fresh memory from the store, and a subscription from where it ends. */
  private async load(): Promise<void> {
    const { store, programs, reorderWindowMs, program, readModel } = this.options;
    const generation = ++this.generation;
    const memory = newMemory({
      engine: new ReferralEngine(programs),
      window: new ReorderWindow(reorderWindowMs),
      decisions: new DecisionLog(store, programVersion(programs.require(program))),
      log: new AppliedLog(store, program),
    });
    let batches = await memory.log.read();
    const viewsAt = await readModel.checkpoint(this.checkpointName);
    if (batches.length === 0) {
      const legacy = viewsAt ?? (await readModel.checkpoint(LEGACY_CHECKPOINT));
      if (legacy !== undefined) batches = [await adoptLegacyHistory(store, memory.log, legacy)];
    }
    await replayAppliedLog(memory, store, batches, viewsAt);
    memory.storedCheckpoint = viewsAt;
    this.memory = memory;
    const from = memory.appliedUpTo;
    this.subscription = store.subscribe({
      subscriptionId: this.checkpointName,
      streamPrefixes: [accountStreamPrefix(program)],
      // The applied log says where to resume; the subscription keeps no checkpoint of its own.
      checkpoints: { load: async () => from, store: async () => undefined },
      handle: (events) => this.step(() => this.receive(events, generation)),
      onError: this.options.onError,
    });
  }

  private async receive(events: readonly RecordedEvent[], generation: number): Promise<void> {
    const memory = this.memory;
    if (generation !== this.generation || !memory) return; // a batch for a memory thrown away
    const now = this.options.clock();
    for (const recorded of events) {
      const position = recorded.globalPosition;
      if (position <= memory.receivedUpTo) continue;
      memory.receivedUpTo = position;
      if (memory.appliedAbove.has(position)) continue; // applied before the rebuild
      const event = recorded.data as BillingEvent;
      // An unreadable date goes straight through, to be skipped by the engine and named.
      const at = Date.parse(event.occurredAt);
      memory.window.push({ event, position }, Number.isNaN(at) ? -Infinity : at, now);
    }
    await this.flush();
  }

  private async flush(): Promise<void> {
    const memory = this.memory;
    if (!memory) return;
    const now = this.options.clock();
    const { engine, window, dirty } = memory;
    const decisions: Decision[] = [];
    const decided = (made: Decision[]) => {
      for (const decision of made) {
        decisions.push(decision);
        dirty.add(decision.refereeAccountId);
      }
    };
    const released = window.release(now);
    this.inFlight = released;
    const failed: bigint[] = [];
    for (const { event, position } of released) {
      try {
        assertApplicable(event);
        decided(engine.apply(event));
      } catch (error) {
        // One bad event must not stop the program: logged as failed, and named.
        failed.push(position);
        this.options.onError?.(
          new Error(
            `process manager of ${this.program}: event ${event.id} (${event.type}, ${event.accountId}, position ${position}) could not be applied and is skipped: ${(error as Error).message}`,
            { cause: error },
          ),
        );
      }
      dirty.add(event.accountId); // its own referral's view may show new progress
      memory.appliedAbove.add(position);
    }
    // A quiet program's due checks fire by the wall clock.
    let advancedTo: number | undefined;
    const due = engine.nextCheckDue();
    if (window.isQuiet(now) && due !== undefined && due <= now) {
      advancedTo = now;
      decided(engine.advanceTo(now));
    }
    this.wakeAtNextRelease(now);
    const appliedUpTo = this.appliedUpTo(memory);
    for (const p of memory.appliedAbove) if (p <= appliedUpTo) memory.appliedAbove.delete(p);
    const applied = released.length > 0 || advancedTo !== undefined;
    if (!applied && dirty.size === 0 && appliedUpTo === memory.storedCheckpoint) return;

    this.failpoint('pm.before-append');
    if (applied) {
      const batch = { positions: released.map((r) => r.position), failed, advancedTo, appliedUpTo };
      await memory.decisions.append(decisions, [memory.log.writeOf(batch)]);
      memory.log.written();
    }
    memory.appliedUpTo = appliedUpTo;
    this.failpoint('pm.after-append');
    await this.writeViews(memory, appliedUpTo);
    this.failpoint('pm.after-views');
    this.inFlight = [];
    this.notify(decisions);
  }

  /** The views of every referee touched since the last write, with the checkpoint, in one transaction. */
  private async writeViews(memory: Memory, checkpoint: bigint): Promise<void> {
    const { program, readModel, onError } = this.options;
    const referrals: ReferralView[] = [];
    const rewards: RewardView[] = [];
    for (const referee of memory.dirty) {
      const view = memory.engine.referralView(program, referee);
      if (!view) continue;
      referrals.push(view);
      rewards.push(...memory.engine.rewardViewsOf(program, referee));
    }
    const referralRows = storableViews(referrals);
    const rewardRows = storableViews(rewards);
    for (const { view, why } of [...referralRows.refused, ...rewardRows.refused])
      onError?.(
        new Error(
          `process manager of ${program}: a view of ${JSON.stringify(view).slice(0, 200)} is not stored: ${why} is out of range`,
        ),
      );
    await readModel.write({
      referrals: referralRows.storable,
      rewards: rewardRows.storable,
      checkpoint: { name: this.checkpointName, position: checkpoint },
    });
    memory.dirty.clear();
    memory.storedCheckpoint = checkpoint;
  }

  /** So that an event leaves the window when it has waited it, not at the next tick. */
  private wakeAtNextRelease(now: number): void {
    const at = this.memory?.window.nextReleaseAt();
    clearTimeout(this.releaseTimer);
    if (at === undefined || this.stopped) return;
    this.releaseTimer = setTimeout(() => void this.wake(), Math.max(0, at - now));
  }

  /**
   * Tells the queues, after the decisions and views are stored, without
   * holding up the next step. If Redis is down, or the process dies first,
   * nothing is lost: the payout sweep finds the rewards from the store, and
   * the timers are re-derived from the engine (`pendingChecks`).
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
        // Decisions stored, queues not told: as if the process died here (the sweep must find them).
        if (earned.length > 0) this.failpoint('pm.before-enqueue');
        if (earned.length > 0) await onRewardsEarned?.(earned);
        if (checks.length > 0) await onChecksScheduled?.(checks);
      })
      .catch((e) => onError?.(e));
  }

  /** A failpoint for every manager, and one for this program's alone (`pm.after-append:callrail`). */
  private failpoint(name: string): void {
    failpoint(name);
    failpoint(`${name}:${this.program}`);
  }

  /** Every account event at or before this position has been applied. */
  private appliedUpTo(memory: Memory): bigint {
    let upTo = memory.receivedUpTo;
    for (const held of memory.window.heldItems()) {
      if (held.position - 1n < upTo) upTo = held.position - 1n;
    }
    return upTo;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
