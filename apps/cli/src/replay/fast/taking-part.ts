import { foldedCode } from '@referrals/domain';
import { ACCOUNT_SEED, RangeReferralLink } from './scan-range';
import { murmur } from './seen-events';

/** A code claim accepted in pass one. */
export interface AcceptedClaim {
  readonly program: number;
  readonly code: string;
  readonly accountId: string;
}

/**
 * The accounts whose facts can change a program's referrals, as hashes of
 * `(program, accountId)` (see ScannedRange.account). A referral reads only
 * its referee and its referrer (attribution, the eligibility checks, the
 * triggers, the view), and a code attributes only for its holder, so an
 * account that is neither a referee nor a referrer, by id or by a code some
 * signup named, decides nothing: pass two can leave its facts out and decide
 * exactly the same. A hash collision only keeps an account that could have
 * been left out.
 */
export function accountsTakingPart(
  programIds: readonly string[],
  links: readonly RangeReferralLink[],
  claims: readonly AcceptedClaim[],
): Set<number> {
  const taking = new Set<number>();
  const add = (program: number, accountId: string) =>
    taking.add(murmur(programIds[program], accountId, ACCOUNT_SEED));
  const namedCodes = new Set<string>();
  for (const link of links) {
    add(link.program, link.refereeId);
    if (link.referrerAccountId !== undefined) add(link.program, link.referrerAccountId);
    if (link.referralCode !== undefined) {
      namedCodes.add(`${link.program}:${foldedCode(link.referralCode)}`);
    }
  }
  for (const claim of claims) {
    if (namedCodes.has(`${claim.program}:${foldedCode(claim.code)}`)) {
      add(claim.program, claim.accountId);
    }
  }
  return taking;
}
