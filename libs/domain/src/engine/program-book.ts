import { AccountState, newAccount } from '../account/account';
import type { Program } from '../programs/program.schema';
import { ReferralDecider, referralDecider } from '../referral/referral.decider';
import type { ReferralState } from '../referral/referral.state';

/**
 * One account of a program, with what the engine keeps beside it: the
 * referral it is the referee of and its links to the accounts on the other
 * side. One lookup by account id per fact finds all of it.
 */
export interface AccountEntry {
  readonly account: AccountState;
  /** The referral of which the account is the referee (the initial state while there is none). */
  referral: ReferralState;
  /** Its referrer, once a referral of it exists. */
  referrer?: AccountEntry;
  /** As a referrer: its referees, for checks its facts make possible. */
  referees?: AccountEntry[];
  /** As a referrer: its referrals not ineligible at signup (a program may cap them). */
  eligibleReferrals: number;
}

/** Everything the engine keeps of one program: its accounts, live codes and referrals. */
export class ProgramBook {
  readonly decider: ReferralDecider;
  readonly entries = new Map<string, AccountEntry>();
  /** Codes that attribute new signups now, to their holder. */
  readonly liveCodes = new Map<string, string>();

  constructor(readonly program: Program) {
    this.decider = referralDecider(program);
  }

  entry(accountId: string): AccountEntry {
    let entry = this.entries.get(accountId);
    if (!entry) {
      entry = {
        account: newAccount(accountId),
        referral: this.decider.initialState(),
        referrer: undefined,
        referees: undefined,
        eligibleReferrals: 0,
      };
      this.entries.set(accountId, entry);
    }
    return entry;
  }
}
