import { randomUUID } from 'node:crypto';
import type { RewardView } from '@referrals/domain';
import {
  EventStore,
  failpoint,
  quoteIdent,
  SqlDatabase,
  StreamWrite,
  WrongExpectedVersionError,
} from '@referrals/event-store';
import type { ProjectionRunner } from '@referrals/projections';
import {
  decidePayoutBatch,
  evolvePayoutBatch,
  initialPayoutBatchState,
  PayoutBatchCommand,
  PayoutBatchEvent,
  PayoutBatchState,
  PAYOUT_BATCH_STREAM_PREFIX,
  payoutBatchStream,
} from './reward/payout-batch.decider';
import { decideReward, RewardCommandRejected } from './reward/reward.decider';
import type { RewardCommand } from './reward/reward.commands';
import { RewardStreams } from './reward/reward-streams';
import { lockRewardViews } from './reward-rows';
import { payoutsCsv } from './payout-csv';

export interface PayoutBatch {
  readonly batchId: string;
  readonly status: PayoutBatchState['status'];
  readonly rewardIds: readonly string[];
  readonly csv: string;
}

/** Unknown batch (404). */
export class PayoutBatchNotFound extends Error {
  constructor(readonly batchId: string) {
    super(`no payout batch ${batchId}`);
  }
}

/**
 * Approved cash goes out in batches, `payout-batch:<id>`. Opening one appends
 * `BatchOpened` and `RewardExported(batchId)` to each reward's stream, all at
 * their expected versions in one append: two exports racing cannot list the
 * same cash, and a reward in an open batch is in no other. Confirming appends
 * `BatchConfirmed` and `CashPaidOut` per reward; cancelling frees them.
 * Each step may be asked again after a crash and does only what is left.
 */
export class PayoutBatches {
  private readonly s: string;
  private readonly rewards: RewardStreams;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
    private readonly store: EventStore,
    private readonly lifecycle: ProjectionRunner,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.s = quoteIdent(schema);
    this.rewards = new RewardStreams(store);
  }

  /** A batch of all approved cash not in an open batch (due by `dueBefore`, inclusive); undefined when none is. */
  async open(by: string, dueBefore?: string): Promise<PayoutBatch | undefined> {
    for (let attempt = 1; ; attempt++) {
      await this.lifecycle.catchUp();
      const candidates = await this.db.query<{ reward_id: string }>(
        `SELECT reward_id FROM ${this.s}.reward_view
         WHERE kind = 'cash' AND status = 'approved' AND batch_id IS NULL
           AND ($1::text IS NULL OR (view->>'dueBy') <= $1)
         ORDER BY view->>'dueBy', reward_id LIMIT 10000`,
        [dueBefore ?? null],
      );
      const batchId = `pb_${randomUUID().replace(/-/g, '')}`;
      const at = this.clock().toISOString();
      const writes: StreamWrite[] = [];
      const rewardIds: string[] = [];
      for (const { reward_id: rewardId } of candidates) {
        const write = await this.rewardWrite(rewardId, {
          type: 'ExportForPayout',
          data: { rewardId, batchId, by, at },
        });
        if (write) {
          writes.push(write);
          rewardIds.push(rewardId);
        }
      }
      if (rewardIds.length === 0) return undefined;
      const opened: PayoutBatchEvent[] = decidePayoutBatch(
        {
          type: 'OpenBatch',
          data: { batchId, rewardIds, by, at, ...(dueBefore && { dueBefore }) },
        },
        initialPayoutBatchState(),
      );
      // The batch first: a store without multi-stream transactions that stops part-way leaves
      // an open batch listing rewards, of which only those exported go out with it.
      const all = [this.batchWrite(batchId, -1n, opened), ...writes];
      try {
        await this.store.appendBatch(all);
      } catch (error) {
        // Another export or an admin moved one of the rewards: look again.
        if (error instanceof WrongExpectedVersionError && attempt < 5) continue;
        throw error;
      }
      failpoint('batch.after-open');
      // The last write holds the append's highest position: what the projection must reach.
      await this.lifecycle.catchUpTo(await this.rewards.positionAfter(all[all.length - 1]));
      return this.get(batchId);
    }
  }

  /** The batch went out: its cash is paid out. Asked again, it does what is left (nothing). */
  confirm(batchId: string, by: string): Promise<PayoutBatch> {
    return this.close(batchId, by, 'ConfirmBatch');
  }

  /** The batch will not go out: its cash is free for the next one. */
  cancel(batchId: string, by: string): Promise<PayoutBatch> {
    return this.close(batchId, by, 'CancelBatch');
  }

  /** Every batch with its status, newest last: an export whose answer was lost is found here. */
  async list(): Promise<Omit<PayoutBatch, 'csv'>[]> {
    const states = new Map<string, PayoutBatchState>();
    for (let after = -1n; ;) {
      const events = await this.store.readAll({
        after,
        maxCount: 1000,
        streamPrefixes: [PAYOUT_BATCH_STREAM_PREFIX],
      });
      if (events.length === 0) break;
      for (const e of events) {
        const batchId = e.streamId.slice(PAYOUT_BATCH_STREAM_PREFIX.length);
        const state = states.get(batchId) ?? initialPayoutBatchState();
        states.set(batchId, evolvePayoutBatch(state, e as unknown as PayoutBatchEvent));
      }
      after = events[events.length - 1].globalPosition;
    }
    return [...states].map(([batchId, { status, rewardIds }]) => ({ batchId, status, rewardIds }));
  }

  async get(batchId: string): Promise<PayoutBatch> {
    const { state } = await this.load(batchId);
    if (state.status === 'none') throw new PayoutBatchNotFound(batchId);
    // Only the rewards whose own streams say they went into this batch: a listed reward whose
    // export did not go in (a store that stopped part-way) is not paid by it.
    const inBatch = await this.db.query<{ reward_id: string }>(
      `SELECT reward_id FROM ${this.s}.reward_view WHERE batch_id = $1`,
      [batchId],
    );
    const byId = new Map(
      (
        await lockRewardViews(
          this.db,
          this.s,
          inBatch.map((r) => r.reward_id),
        )
      ).map((v) => [v.rewardId, v]),
    );
    const rewards = state.rewardIds.map((id) => byId.get(id)).filter((v): v is RewardView => !!v);
    return { batchId, status: state.status, rewardIds: state.rewardIds, csv: payoutsCsv(rewards) };
  }

  private async close(
    batchId: string,
    by: string,
    type: 'ConfirmBatch' | 'CancelBatch',
  ): Promise<PayoutBatch> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(batchId);
      if (state.status === 'none') throw new PayoutBatchNotFound(batchId);
      const at = this.clock().toISOString();
      const command: PayoutBatchCommand = { type, data: { batchId, by, at } };
      const closed = decidePayoutBatch(command, state); // throws when the batch went the other way
      const writes: StreamWrite[] = [];
      for (const rewardId of state.rewardIds) {
        const data = { rewardId, batchId, by, at };
        const write = await this.rewardWrite(
          rewardId,
          type === 'ConfirmBatch'
            ? { type: 'ConfirmPayout', data }
            : { type: 'CancelExport', data },
        );
        if (write) writes.push(write);
      }
      // The batch first, as when it was opened: the last write is a reward's, which the lifecycle
      // projection reaches (it does not read the batch streams).
      if (closed.length > 0) writes.unshift(this.batchWrite(batchId, version, closed));
      try {
        if (writes.length > 0) await this.store.appendBatch(writes);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < 5) continue;
        throw error;
      }
      failpoint('batch.after-close');
      const last = writes.at(-1);
      if (last) await this.lifecycle.catchUpTo(await this.rewards.positionAfter(last));
      else await this.lifecycle.catchUp();
      return this.get(batchId);
    }
  }

  /** The reward's decision on the command, as an append at its version; none when it decides nothing. */
  private async rewardWrite(
    rewardId: string,
    command: RewardCommand,
  ): Promise<StreamWrite | undefined> {
    const loaded = await this.rewards.load(rewardId);
    try {
      const events = decideReward(command, loaded.state);
      return events.length > 0 ? this.rewards.writeOf(loaded, events) : undefined;
    } catch (error) {
      if (!(error instanceof RewardCommandRejected)) throw error;
      return undefined; // voided or taken by another batch since the candidates were read
    }
  }

  private async load(batchId: string) {
    const events = await this.store.readStream(payoutBatchStream(batchId));
    const state = events.reduce(
      (s, e) => evolvePayoutBatch(s, e as unknown as PayoutBatchEvent),
      initialPayoutBatchState(),
    );
    return { state, version: BigInt(events.length) - 1n };
  }

  private batchWrite(batchId: string, version: bigint, events: PayoutBatchEvent[]): StreamWrite {
    return {
      streamId: payoutBatchStream(batchId),
      events: events.map((e) => ({ eventId: `${e.type}-${batchId}`, type: e.type, data: e.data })),
      expectedVersion: version < 0n ? 'no_stream' : version,
    };
  }
}
