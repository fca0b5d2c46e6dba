import type { BillingEvent } from '@referrals/contracts';
import { AccountState, applyBillingFact, newAccount } from '../account/account';
import type { Program } from '../programs/program.schema';
import type { ReferralEvent } from '../referral/referral.events';
import { evolve, initialState, ReferralState } from '../referral/referral.state';
import { formatInstant, Instant, parseInstant } from '../time/calendar';
import { ruleBehind } from './rules-in-words';

/**
 * Why a referral is in its state: the billing facts of its two accounts that
 * mattered, in the order the engine applied them, what each changed, and the
 * decisions taken at each, with the program's rule behind them.
 */
export interface ReferralStory {
  program: string;
  refereeAccountId: string;
  referrerAccountId?: string;
  asOf: string;
  /** `not_referred`: the account's first signup named no referrer (or none that could refer it). */
  status: string;
  reason?: string;
  /** The decision that took the referral out of `pending`, and its rule. */
  decidedBy?: { at: string; decision: string; rule: string };
  steps: StoryStep[];
}

export interface StoryStep {
  at: string;
  /** A billing fact of one of the two accounts, or a scheduled check firing. */
  kind: 'fact' | 'check';
  account?: 'referee' | 'referrer';
  event?: { id: string; type: string; accountId: string; data: unknown };
  /** What the fact changed on its account, `field: before → after`. */
  changes: string[];
  decisions: StoryDecision[];
}

export interface StoryDecision {
  type: string;
  /** The decision in words. */
  says: string;
  rule: string;
  data: unknown;
}

export interface StoryInput {
  program: Program;
  refereeAccountId: string;
  /** Billing facts of the referee and of its referrer, in engine order (occurredAt, then arrival). */
  facts: readonly BillingEvent[];
  /** The referral's decisions in the order they were taken (its stream). */
  decisions: readonly ReferralEvent[];
  asOf: Instant;
}

/**
 * Tells the story from facts and decisions alone, so the analyst CLI (which
 * replays) and the API (which reads the stored decisions) tell it alike.
 * Each decision is placed at the fact of its instant, or at the check that
 * fired then; a check is placed after the facts of its instant (CONTRACT §2).
 */
export function tellReferralStory(input: StoryInput): ReferralStory {
  const { program, refereeAccountId, decisions } = input;
  const created = decisions.find((d) => d.type === 'ReferralCreated');
  const referrerAccountId = created?.data.referrerAccountId;

  const accounts = new Map<string, AccountState>([
    [refereeAccountId, newAccount(refereeAccountId)],
  ]);
  if (referrerAccountId !== undefined && referrerAccountId !== refereeAccountId)
    accounts.set(referrerAccountId, newAccount(referrerAccountId));
  const steps: (StoryStep & { time: Instant })[] = [];
  for (const fact of input.facts) {
    const account = accounts.get(fact.accountId);
    if (!account || fact.program !== program.id) continue;
    const time = parseInstant(fact.occurredAt);
    if (time > input.asOf) continue;
    const before = snapshot(account);
    applyBillingFact(account, fact, time);
    steps.push({
      time,
      at: formatInstant(time),
      kind: 'fact',
      account: fact.accountId === refereeAccountId ? 'referee' : 'referrer',
      event: { id: fact.id, type: fact.type, accountId: fact.accountId, data: fact.data },
      changes: changesBetween(before, snapshot(account)),
      decisions: [],
    });
  }

  const dueTimes = new Set<Instant>();
  let state: ReferralState = initialState();
  let decidedBy: ReferralStory['decidedBy'];
  let previous: (typeof steps)[number] | undefined;
  for (const decision of decisions) {
    const time = decisionTime(decision, steps, previous);
    const step =
      time !== undefined && dueTimes.has(time) && decision.type !== 'ReferralCreated'
        ? checkStep(steps, time)
        : time !== undefined
          ? factStepAt(steps, time)
          : (previous ?? factStepAt(steps, Number.NEGATIVE_INFINITY));
    const told: StoryDecision = {
      type: decision.type,
      says: say(decision),
      rule: ruleBehind(program, decision),
      data: decision.data,
    };
    step.decisions.push(told);
    previous = step;
    if (decision.type === 'CheckScheduled') dueTimes.add(parseInstant(decision.data.dueAt));
    const wasPending = !state.exists || state.status === 'pending';
    state = evolve(state, decision);
    if (wasPending && state.exists && state.status !== 'pending' && decidedBy === undefined)
      decidedBy = { at: step.at, decision: told.says, rule: told.rule };
  }

  // A referrer's fact matters while the referral is undecided, and only if it changed something.
  const decidedAt = decidedBy ? parseInstant(decidedBy.at) : Number.POSITIVE_INFINITY;
  const told = steps.filter(
    (s) =>
      s.kind === 'check' ||
      s.account === 'referee' ||
      s.decisions.length > 0 ||
      (s.time <= decidedAt && s.changes.length > 0),
  );
  return {
    program: program.id,
    refereeAccountId,
    ...(referrerAccountId !== undefined && { referrerAccountId }),
    asOf: formatInstant(input.asOf),
    status: state.exists ? state.status : 'not_referred',
    ...(state.exists && state.reason !== undefined && { reason: state.reason }),
    ...(decidedBy && { decidedBy }),
    steps: told.map(({ time: _time, ...step }) => step),
  };
}

type TimedStep = StoryStep & { time: Instant };

/** When a decision was taken; a scheduled check, which says not, goes with the first payment that set it. */
function decisionTime(
  decision: ReferralEvent,
  steps: readonly TimedStep[],
  previous: TimedStep | undefined,
): Instant | undefined {
  switch (decision.type) {
    case 'ReferralCreated':
      return parseInstant(decision.data.signedUpAt);
    case 'RewardEarned':
      return parseInstant(decision.data.earnedAt);
    case 'CheckScheduled': {
      const payment = steps.find(
        (s) => s.account === 'referee' && s.changes.some((c) => c.startsWith('firstPaymentAt:')),
      );
      const after = previous?.time ?? Number.NEGATIVE_INFINITY;
      return payment && payment.time >= after ? payment.time : previous?.time;
    }
    default: {
      const at = (decision.data as { at?: string }).at;
      return at === undefined ? undefined : parseInstant(at);
    }
  }
}

/** The first fact of that instant, else the last one before it (a synthetic step if none). */
function factStepAt(steps: TimedStep[], time: Instant): TimedStep {
  const exact = steps.find((s) => s.kind === 'fact' && s.time === time);
  if (exact) return exact;
  let before: TimedStep | undefined;
  for (const s of steps) if (s.time <= time) before = s;
  if (before) return before;
  const step: TimedStep = {
    time,
    at: formatInstant(time),
    kind: 'fact',
    changes: [],
    decisions: [],
  };
  steps.unshift(step);
  return step;
}

/** The check step at `time`, after every fact of that instant. */
function checkStep(steps: TimedStep[], time: Instant): TimedStep {
  const existing = steps.find((s) => s.kind === 'check' && s.time === time);
  if (existing) return existing;
  const step: TimedStep = {
    time,
    at: formatInstant(time),
    kind: 'check',
    changes: [],
    decisions: [],
  };
  const at = steps.findIndex((s) => s.time > time);
  steps.splice(at < 0 ? steps.length : at, 0, step);
  return step;
}

/** An account's fields as comparable text: collections by size, instants as ISO. */
function snapshot(account: AccountState): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [key, value] of Object.entries(account)) {
    if (key === 'accountId' || value === undefined) continue;
    if (value instanceof Map || value instanceof Set) fields.set(key, String(value.size));
    else if (typeof value === 'number' && key.endsWith('At')) fields.set(key, formatInstant(value));
    else if (typeof value === 'object')
      fields.set(
        key,
        JSON.stringify(value, (k, v) =>
          k === 'at' && typeof v === 'number' ? formatInstant(v) : v,
        ),
      );
    else fields.set(key, String(value));
  }
  return fields;
}

function changesBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [was, is] = [before.get(key), after.get(key)];
    if (was !== is) changes.push(`${key}: ${was ?? '(none)'} → ${is ?? '(none)'}`);
  }
  return changes;
}

function say(decision: ReferralEvent): string {
  switch (decision.type) {
    case 'ReferralCreated':
      return `referral opened: ${decision.data.referrerAccountId} referred ${decision.data.refereeAccountId}`;
    case 'ReferralMarkedIneligible':
      return `ineligible: ${decision.data.reason}`;
    case 'RewardEarned': {
      const r = decision.data;
      return `${r.role} ${r.beneficiaryAccountId} earned ${r.kind} ${amountInWords(r.amount, r.unit)}`;
    }
    case 'CheckScheduled':
      return `check ${decision.data.triggerId} scheduled for ${decision.data.dueAt}`;
    case 'TriggerSkipped':
      return `trigger ${decision.data.triggerId} skipped: ${decision.data.reason}`;
    case 'ReferralForfeited':
      return `forfeited: ${decision.data.reason} (trigger ${decision.data.triggerId})`;
    case 'TriggerEnded':
      return `trigger ${decision.data.triggerId} ended: ${decision.data.reason}`;
    default:
      return (decision as { type: string }).type;
  }
}

const amountInWords = (amount: number, unit: string) =>
  unit === 'minutes' ? `${amount} minutes` : `${(amount / 100).toFixed(2)} ${unit}`;
