import { isStoreUnavailable, sqlState } from '@referrals/event-store';

// 40001 serialization failure, 40P01 deadlock detected, 55P03 lock not available.
const LOST_RACES = new Set(['40001', '40P01', '55P03']);

/**
 * Whether opening the store at start-up is worth trying again: the store does
 * not answer (yet), or a schema step lost a race against processes already
 * running (PostgreSQL broke a deadlock by aborting it). The steps are
 * idempotent, so another attempt finishes them. Anything else (a role that
 * does not exist, a wrong password) waiting cannot fix. The worker and the
 * API open their store with this test.
 */
export function startUpCanWait(error: unknown): boolean {
  if (isStoreUnavailable(error)) return true;
  const state = sqlState(error);
  return state !== undefined && LOST_RACES.has(state);
}
