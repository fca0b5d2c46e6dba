import { AccountView, isPayingClient } from '../account/account';
import type { Program, Trigger } from '../programs/program.schema';
import { formatInstant, Instant, parseInstant, startOfMonthAfter } from '../time/calendar';
import { ineligibility, isSelfReferral } from './eligibility';
import { timerIdOf } from './ids';
import type {
  ObserveBillingFact,
  OpenReferral,
  ReferralCommand,
  RunCheck,
} from './referral.commands';
import type { ForfeitReason, ReferralEvent } from './referral.events';
import { ExistingReferral, evolve, initialState, ReferralState } from './referral.state';
import { RewardBasis, rewardsOf } from './reward-amounts';

/**
 * The referral decider of one program (Emmett style): `decide` is pure, takes
 * the referral's state and a command, and returns the decisions as events.
 */
export function referralDecider(program: Program) {
  const decide = (command: ReferralCommand, state: ReferralState): ReferralEvent[] => {
    switch (command.type) {
      case 'OpenReferral':
        return open(program, command, state);
      case 'ObserveBillingFact':
        return state.exists ? observe(program, command, state) : [];
      case 'RunCheck':
        return state.exists ? runCheck(program, command, state) : [];
      default: {
        const exhaustive: never = command;
        throw new Error(`unknown command ${JSON.stringify(exhaustive)}`);
      }
    }
  };
  return { decide, evolve, initialState };
}

export type ReferralDecider = ReturnType<typeof referralDecider>;

function open(program: Program, command: OpenReferral, state: ReferralState): ReferralEvent[] {
  if (state.exists) return []; // only the referee's first signup opens a referral
  const { referralId, referrer, referee, eligibleReferralsOfReferrer } = command.data;
  const now = command.metadata.now;
  const created: ReferralEvent = {
    type: 'ReferralCreated',
    data: {
      referralId,
      program: program.id,
      referrerAccountId: referrer.accountId,
      refereeAccountId: referee.accountId,
      signedUpAt: formatInstant(referee.signedUpAt ?? now),
      triggerIds: program.triggers.map((t) => t.id),
      ...(program.triggers.some((t) => t.sideReward) && {
        sideTriggerIds: program.triggers.filter((t) => t.sideReward).map((t) => t.id),
      }),
    },
  };
  const reason = ineligibility(program, referrer, referee, eligibleReferralsOfReferrer);
  if (reason) {
    return [
      created,
      { type: 'ReferralMarkedIneligible', data: { referralId, reason, at: formatInstant(now) } },
    ];
  }
  const opened = evolve(state, created) as ExistingReferral;
  return [created, ...triggerDecisions(program, opened, referrer, referee, now)];
}

function observe(
  program: Program,
  command: ObserveBillingFact,
  state: ExistingReferral,
): ReferralEvent[] {
  const { fact, referrer, referee } = command.data;
  const now = command.metadata.now;
  // A check that only now became possible still counts while nothing is decided.
  if (state.status === 'pending' && isSelfReferral(referrer, referee)) {
    return [
      {
        type: 'ReferralMarkedIneligible',
        data: { referralId: state.referralId, reason: 'self_referral', at: formatInstant(now) },
      },
    ];
  }
  if (state.status === 'ineligible' || fact.accountId !== state.refereeAccountId) return [];
  return [
    // One-shot triggers decide only while the referral is pending: a decided referral stands.
    ...(state.status === 'pending' ? triggerDecisions(program, state, referrer, referee, now) : []),
    ...recurringDecisions(program, state, command),
  ];
}

/** Decisions of the one-shot triggers whose condition now holds. */
function triggerDecisions(
  program: Program,
  state: ExistingReferral,
  referrer: AccountView,
  referee: AccountView,
  now: Instant,
) {
  const events: ReferralEvent[] = [];
  let current = state;
  for (const trigger of program.triggers) {
    if (current.status !== 'pending') break;
    if (current.triggers[trigger.id]?.status !== 'waiting') continue;
    const decided = decideTrigger(program, trigger, current, { referrer, referee }, now);
    events.push(...decided);
    current = decided.reduce(evolve, current) as ExistingReferral;
  }
  return events;
}

interface Sides {
  readonly referrer: AccountView;
  readonly referee: AccountView;
}

function decideTrigger(
  program: Program,
  trigger: Trigger,
  state: ExistingReferral,
  sides: Sides,
  now: Instant,
): ReferralEvent[] {
  const { referralId } = state;
  const { referee } = sides;
  switch (trigger.on) {
    case 'first_activation': {
      const first = referee.firstActivation;
      // A subscriber before its signup has no first activation after referral, then or later.
      if (!first || first.beforeSignup) return [];
      const fits =
        (!trigger.products ||
          (first.product !== undefined && trigger.products.includes(first.product))) &&
        (!trigger.plans || trigger.plans.includes(first.plan));
      if (!fits) {
        return [
          {
            type: 'TriggerSkipped',
            data: {
              referralId,
              triggerId: trigger.id,
              reason: 'first_subscription_not_eligible',
              at: formatInstant(now),
            },
          },
        ];
      }
      return earn(
        program,
        trigger,
        state,
        sides,
        { plan: first.plan, product: first.product },
        now,
      );
    }
    case 'successful_payments':
      if (referee.successfulPayments < trigger.count) return [];
      return earn(
        program,
        trigger,
        state,
        sides,
        { plan: referee.plan, product: referee.product },
        now,
      );
    case 'monthly_check': {
      if (referee.firstPaymentAt === undefined) return [];
      const dueAt = startOfMonthAfter(referee.firstPaymentAt, trigger.monthsAfterFirstPayment);
      return [
        {
          type: 'CheckScheduled',
          data: {
            referralId,
            triggerId: trigger.id,
            timerId: timerIdOf(referralId, trigger.id),
            dueAt: formatInstant(dueAt),
          },
        },
      ];
    }
    case 'each_successful_payment':
      return []; // fires per payment, in recurringDecisions
    default: {
      const exhaustive: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(exhaustive)}`);
    }
  }
}

/** Recurring triggers: a reward per counted payment while the referee is a client; a cancel ends them. */
function recurringDecisions(
  program: Program,
  state: ExistingReferral,
  command: ObserveBillingFact,
) {
  const { fact, referrer, referee } = command.data;
  const now = command.metadata.now;
  const events: ReferralEvent[] = [];
  for (const trigger of program.triggers) {
    if (trigger.on !== 'each_successful_payment') continue;
    const progress = state.triggers[trigger.id]?.status;
    if (progress !== 'waiting' && progress !== 'earned') continue;
    if (fact.type === 'subscription.cancelled') {
      events.push(
        progress === 'waiting'
          ? {
              type: 'ReferralForfeited',
              data: {
                referralId: state.referralId,
                triggerId: trigger.id,
                reason: 'referee_not_active',
                at: formatInstant(now),
              },
            }
          : {
              type: 'TriggerEnded',
              data: {
                referralId: state.referralId,
                triggerId: trigger.id,
                reason: 'referee_cancelled',
                at: formatInstant(now),
              },
            },
      );
      continue;
    }
    if (fact.type !== 'payment.succeeded' || !referee.active || fact.data.amount === 0) continue;
    const occurrence = fact.data.invoiceId;
    const basis: RewardBasis = {
      plan: referee.plan,
      product: referee.product,
      paymentAmount: fact.data.amount,
    };
    const decided = earn(program, trigger, state, { referrer, referee }, basis, now, occurrence);
    // One reward per invoice, however often its payment is delivered.
    events.push(
      ...decided.filter(
        (e) => e.type !== 'RewardEarned' || !state.rewardIds.includes(e.data.rewardId),
      ),
    );
  }
  return events;
}

/**
 * A due check (CONTRACT §3, Smith.ai), its rules in order: a partner referrer
 * makes the referral ineligible; a referee no longer active, or no longer
 * paying, forfeits it; then the reward, which may itself forfeit (a product
 * the program pays nothing for).
 */
function runCheck(program: Program, command: RunCheck, state: ExistingReferral): ReferralEvent[] {
  const { timerId, referrer, referee } = command.data;
  const now = command.metadata.now;
  const trigger = program.triggers.find((t) => {
    const progress = state.triggers[t.id];
    return progress?.status === 'scheduled' && progress.timerId === timerId;
  });
  if (!trigger || trigger.on !== 'monthly_check' || state.status !== 'pending') return [];
  const { referralId } = state;
  const at = formatInstant(now);
  const rules = program.eligibility;
  if (
    rules.referrerMustNotBePartner &&
    rules.partnerCheckedAt.includes('check') &&
    referrer.partner
  ) {
    return [
      { type: 'ReferralMarkedIneligible', data: { referralId, reason: 'referrer_is_partner', at } },
    ];
  }
  const forfeit = (reason: ForfeitReason): ReferralEvent[] => [
    { type: 'ReferralForfeited', data: { referralId, triggerId: trigger.id, reason, at } },
  ];
  if (!referee.active) return forfeit('referee_not_active');
  if (trigger.mustBePaying && !isPayingClient(referee)) return forfeit('referee_not_paying');
  return earn(
    program,
    trigger,
    state,
    { referrer, referee },
    { plan: referee.plan, product: referee.product },
    now,
  );
}

function earn(
  program: Program,
  trigger: Trigger,
  state: ExistingReferral,
  sides: Sides,
  basis: RewardBasis,
  now: Instant,
  occurrence?: string,
): ReferralEvent[] {
  const outcome = rewardsOf(trigger.rewards, basis, {
    program,
    referralId: state.referralId,
    triggerId: trigger.id,
    referrerAccountId: state.referrerAccountId,
    refereeAccountId: state.refereeAccountId,
    now,
    occurrence,
    billingCycleEndOf: (role) => billingCycleEnd(sides[role], now),
  });
  if ('forfeit' in outcome) {
    return [
      {
        type: 'ReferralForfeited',
        data: {
          referralId: state.referralId,
          triggerId: trigger.id,
          reason: outcome.forfeit,
          at: formatInstant(now),
        },
      },
    ];
  }
  return outcome.rewards.map((data) => ({ type: 'RewardEarned', data }));
}

/** The beneficiary's latest `currentPeriodEnd` known at `now` (an event from after `now` does not count). */
function billingCycleEnd(account: AccountView, now: Instant): Instant | undefined {
  const cycle = account.billingCycle;
  return cycle !== undefined && cycle.knownAt <= now ? cycle.endsAt : undefined;
}

/** The due time of a scheduled check, as an instant. */
export const dueAtOf = (event: { data: { dueAt: string } }) => parseInstant(event.data.dueAt);
