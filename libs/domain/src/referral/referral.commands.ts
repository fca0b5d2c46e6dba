import type { BillingEvent } from '@referrals/contracts';
import type { AccountView } from '../account/account';
import type { Instant } from '../time/calendar';

/**
 * What the process manager asks of a referral. Each command carries the
 * accounts as they stand and `now`, the event time it is decided at.
 */

export type OpenReferral = {
  type: 'OpenReferral';
  data: {
    referralId: string;
    referrer: AccountView;
    referee: AccountView;
    /** Referrals of this referrer already eligible, for a program's cap. */
    eligibleReferralsOfReferrer: number;
  };
  metadata: { now: Instant };
};

/** A billing fact of the referee or the referrer has been applied to its account. */
export type ObserveBillingFact = {
  type: 'ObserveBillingFact';
  data: { fact: BillingEvent; referrer: AccountView; referee: AccountView };
  metadata: { now: Instant };
};

/** A scheduled check is due. */
export type RunCheck = {
  type: 'RunCheck';
  data: { timerId: string; referrer: AccountView; referee: AccountView };
  metadata: { now: Instant };
};

export type ReferralCommand = OpenReferral | ObserveBillingFact | RunCheck;
