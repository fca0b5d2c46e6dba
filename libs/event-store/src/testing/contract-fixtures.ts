/** Names unique to one test, so tests can share one store (and one slow-to-open database). */
export interface TestNames {
  stream(name: string): string;
  id(name: string): string;
  /** Unique to the running test. */
  readonly run: string;
}

export const ev = (eventId: string, n = 0, metadata?: Record<string, unknown>) => ({
  eventId,
  type: 'Happened',
  data: { n },
  metadata,
});
