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
  if (isStoreUnavailable(error) || isEventStoreDbUnavailable(error)) return true;
  const state = sqlState(error);
  return state !== undefined && LOST_RACES.has(state);
}

// @eventstore/db-client's error `type`s for a server that is not there or not answering in
// time (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED as its `timeout`), that cancelled the call, or
// a node that is not the leader (the client's next call goes to the leader it named).
const ESDB_OUTAGE_TYPES = new Set([
  'unavailable',
  'deadline-exceeded',
  'timeout',
  'cancelled',
  'not-leader',
]);
// The same as raw gRPC status codes, which some calls (an append's first one) throw unconverted:
// 4 DEADLINE_EXCEEDED, 10 ABORTED, 14 UNAVAILABLE. 1 CANCELLED is left out: raw, it is the
// client's own cancelling (its dispose), which another attempt would not change.
const GRPC_OUTAGE_CODES = new Set([4, 10, 14]);
// What a cluster connection (esdb+discover://) throws when no node answered its gossip.
const DISCOVERY_FAILED = /^Failed to discover after \d+ attempts?\.$/;

/**
 * True when an error of `@eventstore/db-client` means EventStoreDB cannot be
 * reached now: no connection, no answer within the deadline, no node found
 * (yet). Told apart by shape, not by class, so that deployments on
 * PostgreSQL never load the client. Access denied, a wrong connection
 * string, a conflict: false (waiting cannot fix them).
 */
export function isEventStoreDbUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { type, code, details } = e as { type?: unknown; code?: unknown; details?: unknown };
    if (typeof code === 'number') {
      if (typeof type === 'string' && ESDB_OUTAGE_TYPES.has(type)) return true;
      if (typeof details === 'string' && GRPC_OUTAGE_CODES.has(code)) return true;
    }
    if (e instanceof Error && DISCOVERY_FAILED.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isEventStoreDbUnavailable(inner)))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
