import type { BillingEvent } from '@referrals/contracts';
import { AccountState, AccountView, applyBillingFact, newAccount } from '../account/account';
import type { Program } from '../programs/program.schema';
import { ProgramRegistry } from '../programs/program-registry';
import { referralIdOf } from '../referral/ids';
import type { ObserveBillingFact, OpenReferral, RunCheck } from '../referral/referral.commands';
import { referralDecider } from '../referral/referral.decider';
import type { ReferralCreated } from '../referral/referral.events';
import { parseInstant } from '../time/calendar';
import { Fact, toBillingEvent } from './billing-facts';
import { DeciderSpecification } from './decider-specification';

/** Commands and past events for the referral decider of one built-in (or given) program. */

export const builtinProgram = (id: string): Program => ProgramRegistry.withBuiltins().require(id);

/** `given(...).when(...).then(...)` over `referralDecider(program)`. */
export const referralSpecification = (program: Program) =>
  DeciderSpecification.for(referralDecider(program));

/** An account as its billing facts leave it, folded the way the engine folds them. */
export function accountAfter(
  program: string,
  accountId: string,
  facts: readonly Fact[],
): AccountState {
  const account = newAccount(accountId);
  facts.forEach((f, i) => applyBillingFact(account, toBillingEvent(f, program, i)));
  return account;
}

/** A copy of an account view with one more fact applied (views are never mutated in place). */
export function plus(program: string, account: AccountView, f: Fact): AccountState {
  const copy: AccountState = {
    ...account,
    paidInvoices: new Map(account.paidInvoices),
    refundedInvoices: account.refundedInvoices && new Map(account.refundedInvoices),
    paymentFingerprints: [...account.paymentFingerprints],
  };
  applyBillingFact(copy, toBillingEvent(f, program, 0));
  return copy;
}

export function openReferral(
  program: Program,
  referrer: AccountView,
  referee: AccountView,
  now: string,
  eligibleReferralsOfReferrer = 0,
): OpenReferral {
  return {
    type: 'OpenReferral',
    data: {
      referralId: referralIdOf(program.id, referee.accountId),
      referrer,
      referee,
      eligibleReferralsOfReferrer,
    },
    metadata: { now: parseInstant(now) },
  };
}

/** The referee's (or referrer's) fact, with both accounts as they stand after it. */
export function observe(
  program: Program,
  f: Fact,
  referrer: AccountView,
  referee: AccountView,
): ObserveBillingFact {
  const fact: BillingEvent = toBillingEvent(f, program.id, 0);
  return {
    type: 'ObserveBillingFact',
    data: { fact, referrer, referee },
    metadata: { now: parseInstant(fact.occurredAt) },
  };
}

export function runCheck(
  timerId: string,
  referrer: AccountView,
  referee: AccountView,
  now: string,
): RunCheck {
  return {
    type: 'RunCheck',
    data: { timerId, referrer, referee },
    metadata: { now: parseInstant(now) },
  };
}

/** The event that opened a referral, as the decider records it. */
export function referralCreated(
  program: Program,
  referrerAccountId: string,
  refereeAccountId: string,
  signedUpAt: string,
): ReferralCreated {
  return {
    type: 'ReferralCreated',
    data: {
      referralId: referralIdOf(program.id, refereeAccountId),
      program: program.id,
      referrerAccountId,
      refereeAccountId,
      signedUpAt: new Date(signedUpAt).toISOString(),
      triggerIds: program.triggers.map((t) => t.id),
    },
  };
}
