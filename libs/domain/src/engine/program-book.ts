import { AccountState, newAccount } from '../account/account';
import type { Program } from '../programs/program.schema';
import { ReferralDecider, referralDecider } from '../referral/referral.decider';
import type { ReferralState } from '../referral/referral.state';

/** Everything the engine keeps of one program: its accounts, live codes and referrals. */
export class ProgramBook {
  readonly decider: ReferralDecider;
  readonly accounts = new Map<string, AccountState>();
  /** Codes that attribute new signups now, to their holder. */
  readonly liveCodes = new Map<string, string>();
  /** Referrals by referee: an account is referred at most once. */
  readonly referrals = new Map<string, ReferralState>();
  /** Referees by referrer, for checks a referrer's facts make possible. */
  readonly refereesOf = new Map<string, string[]>();
  readonly eligibleReferralsOf = new Map<string, number>();
  /** The referee's successful payments when its referral left `pending`: the count shown from then on. */
  readonly paymentsAtDecision = new Map<string, number>();

  constructor(readonly program: Program) {
    this.decider = referralDecider(program);
  }

  account(accountId: string): AccountState {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = newAccount(accountId);
      this.accounts.set(accountId, account);
    }
    return account;
  }

  referralOf(refereeAccountId: string): ReferralState {
    return this.referrals.get(refereeAccountId) ?? this.decider.initialState();
  }
}
