import { BACKWARDS, END, jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { CheckpointStore } from '../event-store.port';
import { CHECKPOINT_STREAM_PREFIX } from './eventstoredb-mapping';
import { fromGlobalPosition } from './eventstoredb-position';

/** The global position, and for whoever reads the stream, the $all position it stands for. */
type CheckpointEvent = {
  type: 'CheckpointStored';
  data: { position: string; commit?: string; prepare?: string };
};

/**
 * Checkpoints in EventStoreDB itself: one stream per subscription, whose last
 * event holds the position. The stream keeps only its newest few events
 * ($maxCount), so it stays small however often it is written.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: Pick<
      EventStoreDBClient,
      'readStream' | 'appendToStream' | 'setStreamMetadata'
    >,
  ) {}

  static streamOf(subscriptionId: string): string {
    return `${CHECKPOINT_STREAM_PREFIX}${subscriptionId}`;
  }

  async load(subscriptionId: string): Promise<bigint | undefined> {
    try {
      for await (const resolved of this.client.readStream<CheckpointEvent>(
        EventStoreDbCheckpointStore.streamOf(subscriptionId),
        { fromRevision: END, direction: BACKWARDS, maxCount: 1 },
      )) {
        const position = resolved.event?.data.position;
        if (position !== undefined) return BigInt(position);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return undefined;
  }

  async store(subscriptionId: string, position: bigint): Promise<void> {
    const stream = EventStoreDbCheckpointStore.streamOf(subscriptionId);
    const at = position >= 0n ? fromGlobalPosition(position) : undefined;
    const result = await this.client.appendToStream(
      stream,
      jsonEvent<CheckpointEvent>({
        type: 'CheckpointStored',
        data: {
          position: position.toString(),
          ...(at && { commit: at.commit.toString(), prepare: at.prepare.toString() }),
        },
      }),
    );
    // First write: cap the stream, so old checkpoints are scavenged.
    if (result.nextExpectedRevision === 0n) {
      await this.client.setStreamMetadata(stream, { maxCount: 5 });
    }
  }
}
