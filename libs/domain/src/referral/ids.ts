import { createHash, hash } from 'node:crypto';

/**
 * Deterministic ids: the same history always yields the same ids, so a replay,
 * a second worker and a retried job all name a decision alike. Hex only, so the
 * ids are safe as BullMQ job ids and URL segments.
 */
// crypto.hash (Node 20.12+) digests in one call, without a Hash object per id.
const sha256Hex = (text: string) =>
  typeof hash === 'function'
    ? hash('sha256', text, 'hex')
    : createHash('sha256').update(text).digest('hex');

const digest = (...parts: string[]) => sha256Hex(parts.join('\u0000')).slice(0, 32);

/** A program id cannot contain `:`, so this is unambiguous for any account id. */
export const referralIdOf = (program: string, refereeAccountId: string) =>
  `${program}:${refereeAccountId}`;

export const rewardIdOf = (referralId: string, triggerId: string, role: string, occurrence = '') =>
  `rw_${digest('reward', referralId, triggerId, role, occurrence)}`;

export const timerIdOf = (referralId: string, triggerId: string) =>
  `tm_${digest('timer', referralId, triggerId)}`;
