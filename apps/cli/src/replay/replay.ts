import type { BillingEvent } from '@referrals/contracts';
import {
  formatInstant,
  Instant,
  ProgramRegistry,
  ReferralEngine,
  ReferralView,
  RewardView,
} from '@referrals/domain';
import type { HistoryEntry } from './read-history';
import { timeOrdered, TimeOrderOptions } from './time-ordered';

export interface ReplayResult {
  asOf: string;
  referrals: ReferralView[];
  rewards: RewardView[];
}

/**
 * Runs a history through the live system's engine with the clock at `asOf`:
 * events after it are not yet history, checks due at or before it have fired.
 * Nothing is paid; rewards show as `earned`.
 */
export async function replay(
  entries: AsyncIterable<HistoryEntry>,
  asOf: Instant,
  programs: ProgramRegistry,
  options?: TimeOrderOptions,
): Promise<ReplayResult> {
  const engine = new ReferralEngine(programs);
  for await (const event of orderedEvents(entries, asOf, options)) engine.apply(event);
  engine.advanceTo(asOf);
  return replayResult(engine, asOf);
}

/** The history's events up to `asOf`, in `occurredAt` order (ties: arrival order). */
export async function* orderedEvents(
  entries: AsyncIterable<HistoryEntry>,
  asOf: Instant,
  options?: TimeOrderOptions,
): AsyncGenerator<BillingEvent> {
  for await (const { event } of timeOrdered(upTo(entries, asOf), options)) yield event;
}

/** What an engine decided, as the replay prints it: referrals and rewards in a stable order. */
export const replayResult = (engine: ReferralEngine, asOf: Instant): ReplayResult =>
  sortedResult(engine.referralViews(), engine.rewardViews(), asOf);

/** Referrals by program, signup and referee; rewards by time earned, program, referee, role and id. */
export function sortedResult(
  referrals: ReferralView[],
  rewards: RewardView[],
  asOf: Instant,
): ReplayResult {
  return {
    asOf: formatInstant(asOf),
    referrals: referrals.sort(inReferralOrder),
    rewards: rewards.sort(inRewardOrder),
  };
}

/** The order the replay prints referrals in: by program, signup and referee. */
export const inReferralOrder = (a: ReferralView, b: ReferralView) =>
  compare(a.program, b.program) ||
  compare(a.signedUpAt, b.signedUpAt) ||
  compare(a.refereeAccountId, b.refereeAccountId);

/** The order the replay prints rewards in: by time earned, program, referee, role and id. */
export const inRewardOrder = (a: RewardView, b: RewardView) =>
  compare(a.earnedAt, b.earnedAt) ||
  compare(a.program, b.program) ||
  compare(a.refereeAccountId, b.refereeAccountId) ||
  compare(a.role, b.role) ||
  compare(a.rewardId, b.rewardId);

async function* upTo(entries: AsyncIterable<HistoryEntry>, asOf: Instant) {
  for await (const entry of entries) if (entry.at <= asOf) yield entry;
}

/** Strings by UTF-16 code unit, as every order the replay prints is. */
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
