import type { EventStore, StreamWrite } from '@referrals/event-store';
import { createHash } from 'node:crypto';

/**
 * What one flush of a program's process manager did to its engine, in order:
 * the account events it applied (by global position; those that threw are
 * listed in `failed` too) and, when the program was quiet, the instant it
 * advanced the clock to. `appliedUpTo` is the position at or below which
 * every event of the program has been applied.
 */
export interface AppliedBatch {
  readonly positions: readonly bigint[];
  readonly failed: readonly bigint[];
  readonly advancedTo?: number;
  readonly appliedUpTo: bigint;
}

interface AppliedBatchData {
  readonly positions: string[];
  readonly failed?: string[];
  readonly advancedTo?: number;
  readonly appliedUpTo: string;
}

export const APPLIED_STREAM_PREFIX = 'applied:';
export const appliedStream = (program: string) => `${APPLIED_STREAM_PREFIX}${program}`;

/**
 * The order in which a program's manager applied events live, as events of
 * `applied:<program>`. Live, the reordering window lets late events in by
 * arrival; a restart that re-sorted history by event time could reach another
 * state than the one the stored decisions came from, and then wedge on their
 * expected versions. Replaying this stream reproduces the live state exactly.
 *
 * Each batch is appended in the same transaction as the decisions it led to,
 * at the stream's expected version, so the stream is also the fence between
 * two managers of one program: the one that lost the race rebuilds.
 */
export class AppliedLog {
  readonly streamId: string;
  private version = -1n;

  constructor(
    private readonly store: EventStore,
    readonly program: string,
  ) {
    this.streamId = appliedStream(program);
  }

  /** Every batch applied so far, in order; the next write follows on from the last. */
  async read(): Promise<AppliedBatch[]> {
    const stored = await this.store.readStream(this.streamId);
    this.version = stored.length > 0 ? stored[stored.length - 1].streamPosition : -1n;
    return stored.map(({ data }) => fromData(data as AppliedBatchData));
  }

  /** The write that records `batch` next, to go in one append with its decisions. */
  writeOf(batch: AppliedBatch): StreamWrite {
    const position = this.version + 1n;
    return {
      streamId: this.streamId,
      expectedVersion: this.version < 0n ? 'no_stream' : this.version,
      events: [
        {
          // One id per place in the stream: a retried commit that went through is a duplicate.
          eventId: `applied-${createHash('sha256').update(`${this.program}\u0000${position}`).digest('hex').slice(0, 32)}`,
          type: 'EventsApplied',
          data: toData(batch),
        },
      ],
    };
  }

  /** The write went through. */
  written(): void {
    this.version += 1n;
  }
}

const toData = (batch: AppliedBatch): AppliedBatchData => ({
  positions: batch.positions.map(String),
  ...(batch.failed.length > 0 && { failed: batch.failed.map(String) }),
  ...(batch.advancedTo !== undefined && { advancedTo: batch.advancedTo }),
  appliedUpTo: batch.appliedUpTo.toString(),
});

const fromData = (data: AppliedBatchData): AppliedBatch => ({
  positions: data.positions.map(BigInt),
  failed: (data.failed ?? []).map(BigInt),
  advancedTo: data.advancedTo,
  appliedUpTo: BigInt(data.appliedUpTo),
});
