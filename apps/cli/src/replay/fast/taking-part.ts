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
 * `(program, accountId)` (see ScannedRange.account), each with the group it
 * belongs to (a hash of one of its accounts).
 *
 * Taking part: a referral reads only its referee and its referrer
 * (attribution, the eligibility checks, the triggers, the view), and a code
 * attributes only for its holder, so an account that is neither a referee nor
 * a referrer, by id or by a code some signup named, decides nothing: pass two
 * can leave its facts out and decide exactly the same.
 *
 * Groups: a referee, the referrer it names by id and every holder of a code it
 * names are one group, and groups that share an account are one. No rule reads
 * across groups (a referrer's cap counts its own referrals; a code is its
 * holder's), so each group can go through an engine of its own and decide the
 * same. A hash collision only keeps an account that could have been left out,
 * or joins two groups that could have been apart.
 */
export function referralGroups(
  programIds: readonly string[],
  links: readonly RangeReferralLink[],
  claims: readonly AcceptedClaim[],
): Map<number, number> {
  const groups = new Groups();
  const accountOf = (program: number, accountId: string) =>
    groups.add(murmur(programIds[program], accountId, ACCOUNT_SEED));
  // A code some signup named, to an account of the group it joins.
  const namedCodes = new Map<string, number>();
  for (const link of links) {
    const referee = accountOf(link.program, link.refereeId);
    if (link.referrerAccountId !== undefined) {
      groups.join(referee, accountOf(link.program, link.referrerAccountId));
    }
    if (link.referralCode !== undefined) {
      const code = `${link.program}:${foldedCode(link.referralCode)}`;
      const member = namedCodes.get(code);
      if (member === undefined) namedCodes.set(code, referee);
      else groups.join(member, referee);
    }
  }
  for (const claim of claims) {
    const member = namedCodes.get(`${claim.program}:${foldedCode(claim.code)}`);
    if (member !== undefined) groups.join(member, accountOf(claim.program, claim.accountId));
  }
  return groups.byAccount();
}

/** Union-find over account hashes; a group is named by its smallest hash, whatever the order joined. */
class Groups {
  private readonly parent = new Map<number, number>();

  add(account: number): number {
    if (!this.parent.has(account)) this.parent.set(account, account);
    return account;
  }

  join(a: number, b: number): void {
    const rootA = this.root(a);
    const rootB = this.root(b);
    if (rootA < rootB) this.parent.set(rootB, rootA);
    else if (rootB < rootA) this.parent.set(rootA, rootB);
  }

  byAccount(): Map<number, number> {
    for (const account of this.parent.keys()) this.root(account);
    return this.parent;
  }

  private root(account: number): number {
    let root = account;
    for (
      let up = this.parent.get(root) as number;
      up !== root;
      up = this.parent.get(root) as number
    ) {
      root = up;
    }
    // Path compression: each account on the way now points at the root.
    for (let at = account; at !== root;) {
      const up = this.parent.get(at) as number;
      this.parent.set(at, root);
      at = up;
    }
    return root;
  }
}
