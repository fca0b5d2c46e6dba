import { EventStore, StreamWrite, WrongExpectedVersionError } from '@referrals/event-store';
import type { RewardCommand } from './reward.commands';
import { decideReward, evolveReward, initialRewardState, RewardState } from './reward.decider';
import { RewardEvent, rewardEventId, rewardStream } from './reward.events';

/** A reward's state folded from its stream, and the stream's version to append at. */
export interface LoadedReward {
  readonly rewardId: string;
  readonly state: RewardState;
  /** Position of the stream's last event; -1n when it has none. */
  readonly version: bigint;
}

/**
 * The reward decider over the event store: load `reward:<id>`, fold, decide,
 * append at the version that was folded. Two deciders racing cannot both
 * append; the loser loads again and decides on what won.
 */
export class RewardStreams {
  constructor(private readonly store: EventStore) {}

  async load(rewardId: string): Promise<LoadedReward> {
    const events = await this.store.readStream(rewardStream(rewardId));
    const state = events.reduce(
      (s, e) => evolveReward(s, e as unknown as RewardEvent),
      initialRewardState(),
    );
    return { rewardId, state, version: BigInt(events.length) - 1n };
  }

  /** Where the last event of an append made sits in the store's global order: what projections wait for. */
  async positionAfter(write: StreamWrite): Promise<bigint> {
    const expected = typeof write.expectedVersion === 'bigint' ? write.expectedVersion : -1n;
    const version = expected + BigInt(write.events.length);
    const [last] = await this.store.readStream(write.streamId, { from: version, maxCount: 1 });
    return last?.globalPosition ?? -1n;
  }

  /** The append of these decisions at the loaded version, with ids that make a repeat a no-op. */
  writeOf({ rewardId, version }: LoadedReward, events: readonly RewardEvent[]): StreamWrite {
    return {
      streamId: rewardStream(rewardId),
      events: events.map((event, i) => ({
        eventId: rewardEventId(event, version + 1n + BigInt(i)),
        type: event.type,
        data: event.data,
      })),
      expectedVersion: version < 0n ? 'no_stream' : version,
    };
  }

  /**
   * Decides one command and appends its events at the expected version; on a
   * conflict, loads again and decides again (a few times). Throws what the
   * decider throws (`RewardCommandRejected`).
   */
  async handle(
    rewardId: string,
    command: RewardCommand,
    attempts = 5,
  ): Promise<{ events: RewardEvent[]; state: RewardState; position?: bigint }> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(rewardId);
      const events = decideReward(command, loaded.state);
      const state = events.reduce(evolveReward, loaded.state);
      if (events.length === 0) return { events, state };
      const write = this.writeOf(loaded, events);
      try {
        const result = await this.store.appendToStream(write.streamId, write.events, {
          expectedVersion: write.expectedVersion,
        });
        // Ids already stored: another decided the same first; decide again on what it wrote.
        if (result.appended > 0)
          return { events, state, position: await this.positionAfter(write) };
        if (attempt >= attempts) return { events, state };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      }
    }
  }
}
