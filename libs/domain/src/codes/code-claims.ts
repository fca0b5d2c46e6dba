/**
 * Who holds each referral code, in the order claims arrive. A code belongs to
 * the first account that claims it, for good: a code another account holds
 * is a conflict (HTTP 409), even after its holder moved to a new code, so an
 * old shared link can never credit someone else.
 */
export type ClaimOutcome =
  { readonly claimed: true } | { readonly claimed: false; readonly holder: string };

export class CodeClaims {
  private readonly holders = new Map<string, string>();

  claim(program: string, code: string, accountId: string): ClaimOutcome {
    const key = `${program}:${code}`;
    const holder = this.holders.get(key);
    if (holder !== undefined && holder !== accountId) return { claimed: false, holder };
    this.holders.set(key, accountId);
    return { claimed: true };
  }
}

export const codeConflictRule = (code: string) =>
  `code ${code} is already held by another account of this program`;
