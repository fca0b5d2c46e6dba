import type { Decision } from '@referrals/domain';
import { EventStore, StreamWrite, WrongExpectedVersionError } from '@referrals/event-store';
import { decisionEventId, referralStream } from '@referrals/ingestion';

/**
 * Appends decisions to referral streams at the versions this process manager
 * expects, so two instances cannot both decide: the loser's append fails, and
 * it accepts the stream as it stands only if the decisions there are its own
 * to the id (decisions are deterministic, so they are).
 */
export class DecisionLog {
  private readonly versions = new Map<string, bigint>();

  constructor(private readonly store: EventStore) {}

  /** A decision already in the store (re-derived at start-up): only its version counts. */
  noteStored(decision: Decision): void {
    const streamId = referralStream(decision.referralId);
    this.versions.set(
      streamId,
      (this.versions.get(streamId) ?? -1n) + BigInt(decision.events.length),
    );
  }

  /** All decisions of a step in one batch; if another instance got there first, stream by stream. */
  async append(decisions: readonly Decision[]): Promise<void> {
    if (decisions.length === 0) return;
    const writes = decisions.map((decision) => {
      const write = this.writeOf(decision);
      // A second decision for the same stream in this step follows on from the first.
      this.versions.set(
        write.streamId,
        this.expected(write.streamId) + BigInt(write.events.length),
      );
      return write;
    });
    try {
      const results = await this.store.appendBatch(writes);
      results.forEach((result, i) => this.versions.set(writes[i].streamId, result.streamVersion));
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      for (const streamId of new Set(writes.map((w) => w.streamId))) await this.resync(streamId);
      for (const decision of decisions) await this.appendOne(decision);
    }
  }

  private async appendOne(decision: Decision): Promise<void> {
    const write = this.writeOf(decision);
    try {
      const result = await this.store.appendToStream(write.streamId, write.events, {
        expectedVersion: write.expectedVersion,
      });
      this.versions.set(write.streamId, result.streamVersion);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const stored = new Set((await this.resync(write.streamId)).map((e) => e.eventId));
      if (!write.events.every((e) => stored.has(e.eventId))) throw error;
    }
  }

  private async resync(streamId: string) {
    const stored = await this.store.readStream(streamId);
    if (stored.length > 0) this.versions.set(streamId, BigInt(stored.length - 1));
    else this.versions.delete(streamId);
    return stored;
  }

  private expected(streamId: string): bigint {
    return this.versions.get(streamId) ?? -1n;
  }

  private writeOf(decision: Decision): StreamWrite {
    const streamId = referralStream(decision.referralId);
    const expected = this.expected(streamId);
    return {
      streamId,
      events: decision.events.map((e) => ({
        eventId: decisionEventId(e),
        type: e.type,
        data: e.data,
      })),
      expectedVersion: expected < 0n ? 'no_stream' : expected,
    };
  }
}
