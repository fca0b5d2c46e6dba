import type { AccountView } from '../account/account';
import type { Program } from '../programs/program.schema';
import type { IneligibleReason } from './referral.events';

/**
 * Self-referral (CONTRACT §2): the same account, organization, email
 * (case-insensitive) or payment method. Checked at signup and again whenever
 * a later fact makes a check possible.
 */
export function isSelfReferral(referrer: AccountView, referee: AccountView): boolean {
  if (referrer.accountId === referee.accountId) return true;
  if (referrer.organizationId !== undefined && referrer.organizationId === referee.organizationId) {
    return true;
  }
  if (
    referrer.email !== undefined &&
    referee.email !== undefined &&
    sameEmail(referrer.email, referee.email)
  ) {
    return true;
  }
  for (const fingerprint of referee.paymentFingerprints) {
    if (referrer.paymentFingerprints.includes(fingerprint)) return true;
  }
  return false;
}

/**
 * Emails match in Unicode lower case, and in one normal form (NFC): `é` typed
 * as one character or as `e` and a combining accent is the same address to
 * the person who types it, and must not let them refer themselves.
 */
const sameEmail = (a: string, b: string): boolean =>
  a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

/** Why a referral could never earn, judged at the referee's signup; fraud first. */
export function ineligibility(
  program: Program,
  referrer: AccountView,
  referee: AccountView,
  eligibleReferralsOfReferrer: number,
): IneligibleReason | undefined {
  if (isSelfReferral(referrer, referee)) return 'self_referral';
  const rules = program.eligibility;
  if (rules.referrerMustNotBePartner && referrer.partner) return 'referrer_is_partner';
  if (rules.referrerMustBeSubscribed && !referrer.active) return 'referrer_not_subscribed';
  if (
    rules.maxReferralsPerReferrer !== undefined &&
    eligibleReferralsOfReferrer >= rules.maxReferralsPerReferrer
  ) {
    return 'referrer_cap_reached';
  }
  return undefined;
}
