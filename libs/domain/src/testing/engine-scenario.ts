import assert from 'node:assert/strict';
import { validateBillingEvent } from '@referrals/contracts';
import type { Decision } from '../engine/referral-engine';
import { ReferralEngine } from '../engine/referral-engine';
import { ProgramRegistry } from '../programs/program-registry';
import { parseInstant } from '../time/calendar';
import type { ReferralView, RewardView } from '../views/views';
import { Fact, toBillingEvent } from './billing-facts';

/**
 * Scenario tests over the whole engine, as the process manager drives it:
 *
 *   engineScenario('kallyai')
 *     .given(signedUp('alice', {}, t0), activated('alice', { plan: 'pro' }, t1), ...)
 *     .asOf('2026-02-01T00:00:00Z')
 *     .thenReferral('bob', { status: 'rewarded' });
 *
 * Facts are given in `occurredAt` order (the engine's precondition; the replay sorts,
 * the tests do not). Each is validated against CONTRACT §1 first, so a test can never
 * rest on an input the API would reject, and a `(program, id)` already given is
 * dropped, as ingestion drops a duplicate delivery.
 */
export function engineScenario(program: string, programs = ProgramRegistry.withBuiltins()) {
  return {
    given(...facts: Fact[]): EngineOutcome {
      const engine = new ReferralEngine(programs);
      const decisions: Decision[] = [];
      const seen = new Set<string>();
      let last = -Infinity;
      facts.forEach((f, index) => {
        const event = toBillingEvent(f, program, index);
        const checked = validateBillingEvent(event, programs);
        if (!checked.ok) {
          throw new Error(`given #${index + 1} breaks the contract: ${JSON.stringify(checked)}`);
        }
        const at = parseInstant(event.occurredAt);
        if (at < last) throw new Error(`given #${index + 1} is earlier than the fact before it`);
        last = at;
        const key = `${event.program}\u0000${event.id}`;
        if (seen.has(key)) return;
        seen.add(key);
        decisions.push(...engine.apply(checked.value));
      });
      return new EngineOutcome(program, engine, decisions);
    },
  };
}

export class EngineOutcome {
  constructor(
    private readonly program: string,
    private readonly engine: ReferralEngine,
    /** Every decision taken, in order. */
    readonly decisions: Decision[],
  ) {}

  /** The clock reaches `iso` with no further fact: checks due by then fire. */
  asOf(iso: string): this {
    this.decisions.push(...this.engine.advanceTo(parseInstant(iso)));
    return this;
  }

  /** The referral whose referee is `refereeAccountId`, as the referrer's view shows it. */
  referral(refereeAccountId: string, program = this.program): ReferralView | undefined {
    return this.engine.referralView(program, refereeAccountId);
  }

  referrals(): ReferralView[] {
    return this.engine.referralViews();
  }

  rewards(): RewardView[] {
    return this.engine.rewardViews();
  }

  /** Rewards earned through the referral of this referee. */
  rewardsOf(refereeAccountId: string, program = this.program): RewardView[] {
    return this.engine.rewardViewsOf(program, refereeAccountId);
  }

  /** Rewards paid to this account, whatever referral earned them. */
  rewardsFor(beneficiaryAccountId: string): RewardView[] {
    return this.rewards().filter((r) => r.beneficiaryAccountId === beneficiaryAccountId);
  }

  /** The referral exists and shows these fields with these values (`undefined`: the field is absent). */
  thenReferral(refereeAccountId: string, expected: Partial<ReferralView>): this {
    const view = this.referral(refereeAccountId);
    assert.ok(view, `expected a referral of ${refereeAccountId}`);
    assert.deepStrictEqual(pick(view, expected), expected);
    return this;
  }

  thenNoReferral(refereeAccountId: string): this {
    assert.equal(this.referral(refereeAccountId), undefined);
    return this;
  }

  /** Exactly these rewards were earned (in any order), each showing at least the fields given. */
  thenRewards(expected: readonly Partial<RewardView>[]): this {
    const actual = this.rewards();
    const unmatched = [...actual];
    for (const want of expected) {
      const i = unmatched.findIndex((r) => isDeepStrictEqual(pick(r, want), want));
      assert.ok(i >= 0, `no reward matches ${JSON.stringify(want)} in ${JSON.stringify(actual)}`);
      unmatched.splice(i, 1);
    }
    assert.deepStrictEqual(unmatched, [], 'rewards earned beyond those expected');
    return this;
  }
}

function pick<T extends object>(actual: T, like: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, actual[k as keyof T]])) as Partial<T>;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
