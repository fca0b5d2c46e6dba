import type { BillingEvent } from '@referrals/contracts';
import type { EventStore } from '@referrals/event-store';
import { ACCOUNT_STREAM_PREFIX } from './streams';

export interface StoredBillingEvent {
  readonly event: BillingEvent;
  readonly position: bigint;
}

/**
 * Every billing fact in the store (or in the given account streams), in store order (arrival order), up to
 * `upTo` when given, read in batches. The store already dropped duplicates
 * and refused bad input at the door.
 */
export async function* accountHistory(
  store: EventStore,
  options: {
    upTo?: bigint;
    batchSize?: number;
    onBatch?: (position: bigint) => void;
    /** Only these account streams (default: all), e.g. one program's. */
    streamPrefixes?: readonly string[];
  } = {},
): AsyncGenerator<StoredBillingEvent> {
  const { upTo, batchSize = 5000, streamPrefixes = [ACCOUNT_STREAM_PREFIX] } = options;
  for (let after = -1n; ;) {
    const batch = await store.readAll({
      after,
      maxCount: batchSize,
      streamPrefixes,
    });
    if (batch.length === 0) return;
    for (const recorded of batch) {
      if (upTo !== undefined && recorded.globalPosition > upTo) return;
      yield { event: recorded.data as BillingEvent, position: recorded.globalPosition };
    }
    after = batch[batch.length - 1].globalPosition;
    options.onBatch?.(after);
  }
}
