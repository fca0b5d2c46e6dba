import type { Decision } from '@referrals/domain';
import { EventStore, StreamWrite, WrongExpectedVersionError } from '@referrals/event-store';
import { decisionEventId, REFERRAL_STREAM_PREFIX, referralStream } from '@referrals/ingestion';

/**
 * Appends decisions to referral streams at the versions this process manager
 * expects, in one batch with whatever must be stored with them (the applied
 * log). It is part of the manager's memory: a manager that fails throws it
 * away with its engine and rebuilds both from the store.
 */
export class DecisionLog {
  private readonly versions = new Map<string, bigint>();

  /** `programVersion`: the content hash of the rules deciding, stamped on every decision's metadata. */
  constructor(
    private readonly store: EventStore,
    private readonly programVersion?: string,
  ) {}

  /** A decision already in the store (re-derived at start-up): only its version counts. */
  noteStored(decision: Decision): void {
    const streamId = referralStream(decision.referralId);
    this.versions.set(streamId, this.expected(streamId) + BigInt(decision.events.length));
  }

  /**
   * All decisions of a step and `alongside` in one append (one transaction on
   * SQL). Event ids follow from the decisions, so a step stored before is a
   * duplicate. A referral stream further on than this manager's history
   * explains (decisions of an earlier engine version) is taken as it stands,
   * so a program never wedges on it; a mismatch on `alongside` (another
   * manager of the program got there first) is the caller's to handle.
   */
  async append(decisions: readonly Decision[], alongside: readonly StreamWrite[] = []) {
    if (decisions.length === 0 && alongside.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      const writes = this.writesOf(decisions);
      try {
        const results = await this.store.appendBatch([...writes, ...alongside]);
        writes.forEach((write, i) => this.versions.set(write.streamId, results[i].streamVersion));
        return;
      } catch (error) {
        const stale =
          error instanceof WrongExpectedVersionError &&
          error.streamId.startsWith(REFERRAL_STREAM_PREFIX);
        if (!stale || attempt >= 5) throw error;
        this.versions.set(error.streamId, error.actual);
      }
    }
  }

  private expected(streamId: string): bigint {
    return this.versions.get(streamId) ?? -1n;
  }

  /** One write per decision; a second decision for a stream in this step follows on from the first. */
  private writesOf(decisions: readonly Decision[]): StreamWrite[] {
    const next = new Map<string, bigint>();
    return decisions.map((decision) => {
      const streamId = referralStream(decision.referralId);
      const expected = next.get(streamId) ?? this.expected(streamId);
      next.set(streamId, expected + BigInt(decision.events.length));
      return {
        streamId,
        events: decision.events.map((e) => ({
          eventId: decisionEventId(e),
          type: e.type,
          data: e.data,
          ...(this.programVersion && { metadata: { programVersion: this.programVersion } }),
        })),
        expectedVersion: expected < 0n ? 'no_stream' : expected,
      };
    });
  }
}
