import type {
  DecisionCount,
  ForfeitReason,
  IneligibleReason,
  ReferralEvent,
} from './referral.events';

/** Where one trigger of a referral stands. */
export type TriggerProgress =
  | { readonly status: 'waiting' }
  | { readonly status: 'scheduled'; readonly timerId: string; readonly dueAt: string }
  /** Earned; a recurring trigger stays open after its first reward. */
  | { readonly status: 'earned' }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'forfeited'; readonly reason: ForfeitReason }
  | { readonly status: 'ended'; readonly reason: string };

export type ReferralStatus = 'pending' | 'rewarded' | 'ineligible' | 'forfeited';

export type ReferralState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly referralId: string;
      readonly program: string;
      readonly referrerAccountId: string;
      readonly refereeAccountId: string;
      readonly signedUpAt: string;
      readonly triggers: Readonly<Record<string, TriggerProgress>>;
      /** Side-reward triggers: the referral's status never waits on them. */
      readonly sideTriggerIds: readonly string[];
      readonly rewardIds: readonly string[];
      readonly ineligibleReason?: IneligibleReason;
      readonly status: ReferralStatus;
      readonly reason?: string;
      /** When the referral stopped being pending: refunds after it no longer count. */
      readonly decidedAt?: string;
      /** The referee's successful payments at `decidedAt`, as the deciding event recorded them (if it did). */
      readonly paymentsAtDecision?: number;
    };

export type ExistingReferral = Extract<ReferralState, { exists: true }>;

export const initialState = (): ReferralState => ({ exists: false });

export function evolve(state: ReferralState, event: ReferralEvent): ReferralState {
  const next = evolveStatus(state, event);
  const decidedNow = next.exists && next.decidedAt !== undefined && !isDecided(state);
  const count = (event.data as DecisionCount).refereePaymentsAtDecision;
  return decidedNow && count !== undefined ? { ...next, paymentsAtDecision: count } : next;
}

/** Left `pending` (for good: no decision brings a referral back to it). */
export const isDecided = (state: ReferralState) => state.exists && state.decidedAt !== undefined;

// Each fold makes a new state (deciders and stories hold old ones), but as one
// object copied once: a copy spread again with a computed key made the engine's
// hot path slow and gave each referral's triggers a shape of their own.
type Draft = { -readonly [K in keyof ExistingReferral]: ExistingReferral[K] };

function evolveStatus(state: ReferralState, event: ReferralEvent): ReferralState {
  if (event.type === 'ReferralCreated') {
    const { data } = event;
    const triggers: Record<string, TriggerProgress> = {};
    for (const id of data.triggerIds) triggers[id] = { status: 'waiting' };
    return withStatus(
      {
        exists: true,
        referralId: data.referralId,
        program: data.program,
        referrerAccountId: data.referrerAccountId,
        refereeAccountId: data.refereeAccountId,
        signedUpAt: data.signedUpAt,
        triggers,
        sideTriggerIds: data.sideTriggerIds ?? [],
        rewardIds: [],
        status: 'pending',
      },
      data.signedUpAt,
    );
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ReferralMarkedIneligible': {
      const next: Draft = { ...state };
      next.ineligibleReason = event.data.reason;
      return withStatus(next, event.data.at);
    }
    case 'RewardEarned': {
      const next: Draft = { ...state };
      next.rewardIds = [...state.rewardIds, event.data.rewardId];
      next.triggers = withTrigger(state.triggers, event.data.triggerId, { status: 'earned' });
      return withStatus(next, event.data.earnedAt);
    }
    case 'CheckScheduled':
      return setTrigger(
        state,
        event.data.triggerId,
        {
          status: 'scheduled',
          timerId: event.data.timerId,
          dueAt: event.data.dueAt,
        },
        event.data.dueAt,
      );
    case 'TriggerSkipped':
      return setTrigger(
        state,
        event.data.triggerId,
        { status: 'skipped', reason: event.data.reason },
        event.data.at,
      );
    case 'ReferralForfeited':
      return setTrigger(
        state,
        event.data.triggerId,
        { status: 'forfeited', reason: event.data.reason },
        event.data.at,
      );
    case 'TriggerEnded':
      return setTrigger(
        state,
        event.data.triggerId,
        { status: 'ended', reason: event.data.reason },
        event.data.at,
      );
    default: {
      const exhaustive: never = event;
      throw new Error(`unhandled referral event ${JSON.stringify(exhaustive)}`);
    }
  }
}

function setTrigger(
  state: ExistingReferral,
  triggerId: string,
  progress: TriggerProgress,
  at: string,
): ExistingReferral {
  const next: Draft = { ...state };
  next.triggers = withTrigger(state.triggers, triggerId, progress);
  return withStatus(next, at);
}

/** The triggers with one set (a copy: the old state keeps its own). */
function withTrigger(
  triggers: Readonly<Record<string, TriggerProgress>>,
  triggerId: string,
  progress: TriggerProgress,
): Record<string, TriggerProgress> {
  const next: Record<string, TriggerProgress> = { ...triggers };
  next[triggerId] = progress;
  return next;
}

/**
 * Status follows from the triggers: any still open keeps it pending; a forfeit
 * ends it; else its rewards. `next` is a fresh copy, finished here.
 */
function withStatus(next: Draft, at: string): ExistingReferral {
  const { status, reason } = deriveStatus(next);
  next.status = status;
  next.reason = reason;
  next.decidedAt = next.decidedAt ?? (status === 'pending' ? undefined : at);
  return next;
}

const PENDING = { status: 'pending' } as const;

function deriveStatus(state: ExistingReferral): { status: ReferralStatus; reason?: string } {
  if (state.ineligibleReason) return { status: 'ineligible', reason: state.ineligibleReason };
  let forfeit: string | undefined;
  for (const id in state.triggers) {
    if (state.sideTriggerIds.includes(id)) continue;
    const progress = state.triggers[id];
    if (progress.status === 'waiting' || progress.status === 'scheduled') return PENDING;
    if (progress.status === 'forfeited') forfeit ??= progress.reason;
  }
  if (forfeit !== undefined) return { status: 'forfeited', reason: forfeit };
  if (state.rewardIds.length > 0) return { status: 'rewarded' };
  return { status: 'forfeited', reason: 'no_reward_applicable' };
}

/** The next check the referral waits on, if any. */
export function nextCheckAt(state: ExistingReferral): string | undefined {
  if (state.status !== 'pending') return undefined;
  let next: string | undefined;
  for (const p of Object.values(state.triggers)) {
    if (
      p.status === 'scheduled' &&
      (next === undefined || Date.parse(p.dueAt) < Date.parse(next))
    ) {
      next = p.dueAt;
    }
  }
  return next;
}
