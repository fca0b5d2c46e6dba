import type { ReferralView, RewardView } from '@referrals/domain';
import type { ReplayResult } from '../replay/replay';

/** What a rule change does to the money: per program and reward kind, and per referral. */
export interface RuleDiff {
  asOf: string;
  rules: { old: string; new: string };
  totals: KindTotal[];
  referrals: ReferralChange[];
}

/** The rewards of one kind of one program under each rule set; amounts in minor units (or minutes). */
export interface KindTotal {
  program: string;
  kind: string;
  unit: string;
  old: { rewards: number; amount: number };
  new: { rewards: number; amount: number };
  difference: number;
}

/** A referral whose outcome differs: status, reason, or a reward's amount or dates. */
export interface ReferralChange {
  program: string;
  referrerAccountId: string;
  refereeAccountId: string;
  changes: FieldChange[];
  old?: Outcome;
  new?: Outcome;
}

export interface FieldChange {
  /** `status`, `reason`, or `<role> <kind>[ #n] amount|earnedAt|dueBy|expiresAt`. */
  field: string;
  old: string | number | null;
  new: string | number | null;
  /** For an amount: `minutes` or the currency of its minor units. */
  unit?: string;
}

/** A referral's outcome as a diff compares it; absent when the rule set opens no such referral. */
export interface Outcome {
  status: string;
  reason?: string;
  rewards: RewardOutcome[];
}

export interface RewardOutcome {
  role: string;
  kind: string;
  amount: number;
  unit: string;
  earnedAt: string;
  dueBy?: string;
  expiresAt?: string;
}

/** Compares two replays of the same history under two rule sets. */
export function diffReplays(
  before: ReplayResult,
  after: ReplayResult,
  rules: { old: string; new: string },
): RuleDiff {
  return {
    asOf: after.asOf,
    rules,
    totals: kindTotals(before.rewards, after.rewards),
    referrals: referralChanges(before, after),
  };
}

function kindTotals(before: readonly RewardView[], after: readonly RewardView[]): KindTotal[] {
  const totals = new Map<string, KindTotal>();
  const add = (reward: RewardView, side: 'old' | 'new') => {
    const key = `${reward.program}\u0000${reward.kind}\u0000${reward.unit}`;
    let total = totals.get(key);
    if (!total) {
      total = {
        program: reward.program,
        kind: reward.kind,
        unit: reward.unit,
        old: { rewards: 0, amount: 0 },
        new: { rewards: 0, amount: 0 },
        difference: 0,
      };
      totals.set(key, total);
    }
    total[side].rewards += 1;
    total[side].amount += reward.amount;
  };
  for (const reward of before) add(reward, 'old');
  for (const reward of after) add(reward, 'new');
  return [...totals.values()]
    .map((t) => ({ ...t, difference: t.new.amount - t.old.amount }))
    .sort(
      (a, b) => compare(a.program, b.program) || compare(a.kind, b.kind) || compare(a.unit, b.unit),
    );
}

function referralChanges(before: ReplayResult, after: ReplayResult): ReferralChange[] {
  const outcomes = (result: ReplayResult) => {
    const rewardsOf = new Map<string, RewardView[]>();
    for (const reward of result.rewards) {
      const key = referralKey(reward);
      rewardsOf.set(key, [...(rewardsOf.get(key) ?? []), reward]);
    }
    const byKey = new Map<string, { referral: ReferralView; outcome: Outcome }>();
    for (const referral of result.referrals) {
      const key = referralKey(referral);
      byKey.set(key, { referral, outcome: outcomeOf(referral, rewardsOf.get(key) ?? []) });
    }
    return byKey;
  };
  const old = outcomes(before);
  const now = outcomes(after);
  const changes: ReferralChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(key);
    const is = now.get(key);
    const fields = compareOutcomes(was?.outcome, is?.outcome);
    if (fields.length === 0) continue;
    const referral = (is ?? was)!.referral;
    changes.push({
      program: referral.program,
      referrerAccountId: referral.referrerAccountId,
      refereeAccountId: referral.refereeAccountId,
      changes: fields,
      ...(was && { old: was.outcome }),
      ...(is && { new: is.outcome }),
    });
  }
  return changes.sort(
    (a, b) => compare(a.program, b.program) || compare(a.refereeAccountId, b.refereeAccountId),
  );
}

const referralKey = (r: { program: string; refereeAccountId: string }) =>
  `${r.program}\u0000${r.refereeAccountId}`;

function outcomeOf(referral: ReferralView, rewards: readonly RewardView[]): Outcome {
  return {
    status: referral.status,
    ...(referral.reason !== undefined && { reason: referral.reason }),
    rewards: rewards
      .map((r) => ({
        role: r.role,
        kind: r.kind,
        amount: r.amount,
        unit: r.unit,
        earnedAt: r.earnedAt,
        ...(r.dueBy !== undefined && { dueBy: r.dueBy }),
        ...(r.expiresAt !== undefined && { expiresAt: r.expiresAt }),
      }))
      .sort(
        (a, b) =>
          compare(a.role, b.role) || compare(a.kind, b.kind) || compare(a.earnedAt, b.earnedAt),
      ),
  };
}

/** Field by field; rewards are matched by role and kind, in the order they were earned. */
function compareOutcomes(was: Outcome | undefined, is: Outcome | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  const field = (
    name: string,
    old: string | number | undefined,
    now: string | number | undefined,
    unit?: string,
  ) => {
    if (old !== now)
      changes.push({ field: name, old: old ?? null, new: now ?? null, ...(unit && { unit }) });
  };
  field('status', was?.status, is?.status);
  field('reason', was?.reason, is?.reason);
  const slots = (outcome: Outcome | undefined) => {
    const named = new Map<string, RewardOutcome>();
    const seen = new Map<string, number>();
    for (const reward of outcome?.rewards ?? []) {
      const base = `${reward.role} ${reward.kind}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      named.set(n === 1 ? base : `${base} #${n}`, reward);
    }
    return named;
  };
  const old = slots(was);
  const now = slots(is);
  for (const name of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(name);
    const b = now.get(name);
    field(`${name} amount`, a?.amount, b?.amount, (b ?? a)?.unit);
    field(`${name} earnedAt`, a?.earnedAt, b?.earnedAt);
    field(`${name} dueBy`, a?.dueBy, b?.dueBy);
    field(`${name} expiresAt`, a?.expiresAt, b?.expiresAt);
  }
  return changes;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
