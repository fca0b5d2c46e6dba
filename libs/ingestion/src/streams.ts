import { createHash, hash } from 'node:crypto';
import type { ReferralEvent } from '@referrals/domain';

/**
 * Stream layout: billing facts in one stream per account, decisions in one
 * stream per referral, code ownership in one stream per code (first claim wins).
 */
export const ACCOUNT_STREAM_PREFIX = 'account:';
export const REFERRAL_STREAM_PREFIX = 'referral:';
export const CODE_STREAM_PREFIX = 'code:';

/** Every account stream of one program. */
export const accountStreamPrefix = (program: string) => `${ACCOUNT_STREAM_PREFIX}${program}:`;
export const accountStream = (program: string, accountId: string) =>
  `${ACCOUNT_STREAM_PREFIX}${program}:${accountId}`;
export const referralStream = (referralId: string) => `${REFERRAL_STREAM_PREFIX}${referralId}`;
export const codeStream = (program: string, code: string) =>
  `${CODE_STREAM_PREFIX}${program}:${code}`;

// crypto.hash (Node 20.12+) digests in one call, without a Hash object per id: every event pays it.
const sha256Hex = (text: string) =>
  typeof hash === 'function'
    ? hash('sha256', text, 'hex')
    : createHash('sha256').update(text).digest('hex');

const digest = (...parts: string[]) => sha256Hex(parts.join('\u0000')).slice(0, 32);

/** The upstream `(program, id)` is the idempotency key: the same pair always maps to the same event id. */
export const billingEventId = (program: string, id: string) => `billing-${digest(program, id)}`;

/**
 * A claim's id names the claimant too: the same account's claim retried is a
 * duplicate, a rival's claim of the same code is a new event that meets the
 * claim stream's expected version (no stream) and loses.
 */
export const codeClaimEventId = (program: string, code: string, accountId: string) =>
  `claim-${digest(program, code, accountId)}`;

/**
 * A decision's event id follows from what it decides, so a decision taken
 * twice (a restart, a second worker) is a duplicate append, never a second fact.
 */
export function decisionEventId(event: ReferralEvent): string {
  switch (event.type) {
    case 'ReferralCreated':
      return `decision-${digest(event.data.referralId, 'created')}`;
    case 'ReferralMarkedIneligible':
      return `decision-${digest(event.data.referralId, 'ineligible')}`;
    case 'RewardEarned':
      return `decision-${digest(event.data.rewardId, 'earned')}`;
    case 'CheckScheduled':
      return `decision-${digest(event.data.timerId, 'scheduled')}`;
    case 'TriggerSkipped':
    case 'ReferralForfeited':
    case 'TriggerEnded':
      return `decision-${digest(event.data.referralId, event.data.triggerId, event.type)}`;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown decision ${JSON.stringify(exhaustive)}`);
    }
  }
}
