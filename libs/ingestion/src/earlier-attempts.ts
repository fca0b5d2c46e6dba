import type { AppendResult, StreamWrite } from '@referrals/event-store';

/**
 * What earlier tries of one ingest stored before their batch stopped
 * part-way (EventStoreDB appends stream by stream). The next try finds those
 * events as duplicates; they were stored by this very request, so they count
 * as stored: the answer is the one an all-or-nothing store gives.
 */
export class EarlierAttempts {
  private readonly stored = new Set<string>();

  /** Notes the events the writes of a stopped batch appended before it stopped. */
  note(writes: readonly StreamWrite[], completed: readonly AppendResult[]): void {
    completed.forEach((result, i) => {
      for (const eventId of appendedIds(writes[i], result)) this.stored.add(eventId);
    });
  }

  /** Stored and duplicate counts of these writes' results, this request's earlier stores as stored. */
  count(results: readonly AppendResult[]): { stored: number; duplicates: number } {
    let stored = 0;
    let duplicates = 0;
    const counted = new Set<string>();
    for (const result of results) {
      stored += result.appended;
      for (const eventId of result.duplicateIds) {
        // Once per id: a second copy within the batch stays a duplicate.
        if (this.stored.has(eventId) && !counted.has(eventId)) {
          counted.add(eventId);
          stored++;
        } else duplicates++;
      }
    }
    return { stored, duplicates };
  }
}

/** The ids a write appended: each id as often as given, less as often as reported a duplicate. */
function appendedIds(write: StreamWrite, result: AppendResult): string[] {
  const left = new Map<string, number>();
  for (const { eventId } of write.events) left.set(eventId, (left.get(eventId) ?? 0) + 1);
  for (const eventId of result.duplicateIds) left.set(eventId, (left.get(eventId) ?? 0) - 1);
  return [...left].filter(([, n]) => n > 0).map(([eventId]) => eventId);
}
