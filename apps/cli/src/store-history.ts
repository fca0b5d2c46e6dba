import type { BillingEvent } from '@referrals/contracts';
import type { EventStore } from '@referrals/event-store';
import { ACCOUNT_STREAM_PREFIX } from '@referrals/ingestion';
import type { HistoryEntry } from './replay/read-history';

/**
 * The billing history as the configured event store holds it, in store order
 * (the arrival order), up to `upTo` when given. The store already dropped
 * duplicates and rejected bad input at the door.
 */
export async function* storeHistory(
  store: EventStore,
  options: { upTo?: bigint; batchSize?: number; onBatch?: (position: bigint) => void } = {},
): AsyncGenerator<HistoryEntry> {
  const { upTo, batchSize = 5000 } = options;
  for (let after = -1n; ;) {
    const batch = await store.readAll({
      after,
      maxCount: batchSize,
      streamPrefixes: [ACCOUNT_STREAM_PREFIX],
    });
    if (batch.length === 0) return;
    for (const recorded of batch) {
      if (upTo !== undefined && recorded.globalPosition > upTo) return;
      const event = recorded.data as BillingEvent;
      yield { seq: Number(recorded.globalPosition), at: Date.parse(event.occurredAt), event };
    }
    after = batch[batch.length - 1].globalPosition;
    options.onBatch?.(after);
  }
}
