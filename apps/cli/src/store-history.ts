import type { EventStore } from '@referrals/event-store';
import { accountHistory } from '@referrals/ingestion';
import type { HistoryEntry } from './replay/read-history';

/** The configured event store's billing history, as the replay reads a file. */
export async function* storeHistory(
  store: EventStore,
  options: { upTo?: bigint; onBatch?: (position: bigint) => void } = {},
): AsyncGenerator<HistoryEntry> {
  for await (const { event, position } of accountHistory(store, options)) {
    yield { seq: Number(position), at: Date.parse(event.occurredAt), event };
  }
}
