/** The event that records who holds a code, first in the code's own stream. */
export const CODE_CLAIMED = 'ReferralCodeClaimed';

export interface CodeClaimed {
  readonly program: string;
  readonly code: string;
  readonly accountId: string;
  readonly claimedAt: string;
}
