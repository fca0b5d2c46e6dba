import type { BillingEvent } from '@referrals/contracts';
import type { Decision, ReferralEngine } from '@referrals/domain';
import type { EventStore } from '@referrals/event-store';
import { accountHistory, accountStreamPrefix } from '@referrals/ingestion';
import type { AppliedBatch, AppliedLog } from './applied-log';
import type { DecisionLog } from './decision-log';
import type { ReorderWindow } from './reorder-window';

export interface Received {
  readonly event: BillingEvent;
  readonly position: bigint;
}

/** A process manager's memory: thrown away whole on any failure and rebuilt from the store. */
export interface Memory {
  readonly engine: ReferralEngine;
  readonly window: ReorderWindow<Received>;
  readonly decisions: DecisionLog;
  readonly log: AppliedLog;
  /** Account events applied above `appliedUpTo` (let out of the window before an earlier one). */
  readonly appliedAbove: Set<bigint>;
  /** Referees whose views must be written with the next checkpoint. */
  readonly dirty: Set<string>;
  receivedUpTo: bigint;
  appliedUpTo: bigint;
  storedCheckpoint?: bigint;
}

export const newMemory = (
  parts: Pick<Memory, 'engine' | 'window' | 'decisions' | 'log'>,
): Memory => ({
  ...parts,
  appliedAbove: new Set(),
  dirty: new Set(),
  receivedUpTo: -1n,
  appliedUpTo: -1n,
});

/** An event the engine must not be given: it is skipped, and the skip is logged. */
export function assertApplicable(event: BillingEvent): void {
  if (Number.isNaN(Date.parse(event.occurredAt)))
    throw new Error(`occurredAt ${JSON.stringify(event.occurredAt)} is not a date`);
}

/**
 * Applies the logged batches again, in their order, appending nothing (their
 * decisions are stored): the engine reaches the state the stored decisions
 * came from. Referees touched by batches whose views may be unwritten (at or
 * past the views' checkpoint) are marked dirty, to be written again.
 */
export async function replayAppliedLog(
  memory: Memory,
  store: EventStore,
  batches: readonly AppliedBatch[],
  viewsAt?: bigint,
): Promise<void> {
  const { engine, decisions, appliedAbove, dirty, log } = memory;
  const upTo = batches.reduce((max, b) => b.positions.reduce((m, p) => (p > m ? p : m), max), -1n);
  const events = new Map<bigint, BillingEvent>();
  if (upTo >= 0n) {
    const streamPrefixes = [accountStreamPrefix(log.program)];
    for await (const { event, position } of accountHistory(store, { upTo, streamPrefixes }))
      events.set(position, event);
  }
  for (const batch of batches) {
    const unviewed = viewsAt === undefined || batch.appliedUpTo >= viewsAt;
    const stored = (decided: Decision[]) => {
      for (const decision of decided) {
        decisions.noteStored(decision);
        if (unviewed) dirty.add(decision.refereeAccountId);
      }
    };
    for (const position of batch.positions) {
      const event = events.get(position);
      if (!event)
        throw new Error(
          `${log.streamId} names position ${position}, which holds no event of the program`,
        );
      try {
        assertApplicable(event);
        stored(engine.apply(event));
      } catch (error) {
        // Skipped live too (and logged then); anything else means the replay is not the live run.
        if (!batch.failed.includes(position)) throw error;
      }
      if (unviewed) dirty.add(event.accountId);
      appliedAbove.add(position);
    }
    if (batch.advancedTo !== undefined) stored(engine.advanceTo(batch.advancedTo));
    for (const p of appliedAbove) if (p <= batch.appliedUpTo) appliedAbove.delete(p);
    memory.appliedUpTo = batch.appliedUpTo;
  }
  memory.receivedUpTo = memory.appliedUpTo;
}

/**
 * A store written by a version without the applied log: its history up to
 * the checkpoint, in time order as that version rebuilt it, becomes the
 * log's first batch.
 */
export async function adoptLegacyHistory(
  store: EventStore,
  log: AppliedLog,
  upTo: bigint,
): Promise<AppliedBatch> {
  const history: Received[] = [];
  const streamPrefixes = [accountStreamPrefix(log.program)];
  for await (const stored of accountHistory(store, { upTo, streamPrefixes })) history.push(stored);
  history.sort(
    (a, b) =>
      Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) ||
      (a.position < b.position ? -1 : 1),
  );
  const batch = { positions: history.map((h) => h.position), failed: [], appliedUpTo: upTo };
  await store.appendBatch([log.writeOf(batch)]);
  log.written();
  return batch;
}
