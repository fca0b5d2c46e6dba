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

function evolveStatus(state: ReferralState, event: ReferralEvent): ReferralState {
  if (event.type === 'ReferralCreated') {
    const { data } = event;
    return withStatus(
      {
        exists: true,
        referralId: data.referralId,
        program: data.program,
        referrerAccountId: data.referrerAccountId,
        refereeAccountId: data.refereeAccountId,
        signedUpAt: data.signedUpAt,
        triggers: Object.fromEntries(data.triggerIds.map((id) => [id, { status: 'waiting' }])),
        sideTriggerIds: data.sideTriggerIds ?? [],
        rewardIds: [],
        status: 'pending',
      },
      data.signedUpAt,
    );
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ReferralMarkedIneligible':
      return withStatus({ ...state, ineligibleReason: event.data.reason }, event.data.at);
    case 'RewardEarned':
      return withStatus(
        {
          ...state,
          rewardIds: [...state.rewardIds, event.data.rewardId],
          triggers: { ...state.triggers, [event.data.triggerId]: { status: 'earned' } },
        },
        event.data.earnedAt,
      );
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

const setTrigger = (
  state: ExistingReferral,
  triggerId: string,
  progress: TriggerProgress,
  at: string,
) => withStatus({ ...state, triggers: { ...state.triggers, [triggerId]: progress } }, at);

/** Status follows from the triggers: any still open keeps it pending; a forfeit ends it; else its rewards. */
function withStatus(state: ExistingReferral, at: string): ExistingReferral {
  const { status, reason } = deriveStatus(state);
  const decidedAt = state.decidedAt ?? (status === 'pending' ? undefined : at);
  return { ...state, status, reason, decidedAt };
}

function deriveStatus(state: ExistingReferral): { status: ReferralStatus; reason?: string } {
  if (state.ineligibleReason) return { status: 'ineligible', reason: state.ineligibleReason };
  const progress = Object.entries(state.triggers)
    .filter(([id]) => !state.sideTriggerIds.includes(id))
    .map(([, p]) => p);
  if (progress.some((p) => p.status === 'waiting' || p.status === 'scheduled')) {
    return { status: 'pending' };
  }
  const forfeit = progress.find((p) => p.status === 'forfeited');
  if (forfeit) return { status: 'forfeited', reason: forfeit.reason };
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
