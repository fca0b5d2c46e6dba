import type { ReferralView, RewardView } from '@referrals/domain';
import { quoteIdent, SqlClient, SqlDatabase } from './sql-database';

export interface ReadModelChanges {
  readonly referrals: readonly ReferralView[];
  readonly rewards: readonly RewardView[];
  /** The projection's position after these changes; stored in the same transaction. */
  readonly checkpoint?: { readonly name: string; readonly position: bigint };
}

/**
 * A writer found the projection further on than the changes it brings: it is
 * behind (another instance took over), and its changes were not written.
 */
export class StaleProjectionError extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
  ) {
    super(`projection ${projection} is already past ${position}: a newer writer owns it`);
  }
}

/**
 * Writes view rows and the checkpoint in one transaction, so a crash never
 * leaves them apart. The checkpoint only moves forward: changes that would
 * take it back (a writer that lost its lease and does not know yet) roll
 * back whole, so a stale writer can never overwrite newer views.
 */
export class ReadModelWriter {
  private readonly s: string;

  constructor(
    private readonly db: SqlDatabase,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  async write(changes: ReadModelChanges): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (changes.referrals.length > 0) await this.upsertReferrals(tx, changes.referrals);
      if (changes.rewards.length > 0) await this.upsertRewards(tx, changes.rewards);
      if (changes.checkpoint) {
        const { name, position } = changes.checkpoint;
        const moved = await tx.query(
          `INSERT INTO ${this.s}.projection_checkpoints AS c (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position
             WHERE c.position <= EXCLUDED.position
           RETURNING name`,
          [name, position.toString()],
        );
        if (moved.length === 0) throw new StaleProjectionError(name, position);
      }
    });
  }

  async checkpoint(name: string): Promise<bigint | undefined> {
    const rows = await this.db.query<{ position: string }>(
      `SELECT position::text AS position FROM ${this.s}.projection_checkpoints WHERE name = $1`,
      [name],
    );
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  /** Puts these views in place of all the current ones, in one transaction; checkpoints stay. */
  async replaceViews(
    referrals: readonly ReferralView[],
    rewards: readonly RewardView[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${this.s}.referral_view`);
      await tx.query(`DELETE FROM ${this.s}.reward_view`);
      for (let i = 0; i < referrals.length; i += 1000)
        await this.upsertReferrals(tx, referrals.slice(i, i + 1000));
      for (let i = 0; i < rewards.length; i += 1000)
        await this.upsertRewards(tx, rewards.slice(i, i + 1000));
    });
  }

  // One statement per batch: the rows travel as one JSON array. Rows go in in key order (byte
  // order, as every writer of these tables takes them): an insert waits for another open
  // transaction that inserted the same key, so two writers taking the same new rows in different
  // orders would wait for each other (the lifecycle projection inserts rewards too).
  private async upsertReferrals(tx: SqlClient, referrals: readonly ReferralView[]) {
    await tx.query(
      `INSERT INTO ${this.s}.referral_view
         (program, referee_account_id, referrer_account_id, status, signed_up_at, view)
       SELECT v->>'program', v->>'refereeAccountId', v->>'referrerAccountId', v->>'status',
              (v->>'signedUpAt')::timestamptz, v
       FROM jsonb_array_elements($1::jsonb) AS v
       ORDER BY v->>'program' COLLATE "C", v->>'refereeAccountId' COLLATE "C"
       ON CONFLICT (program, referee_account_id) DO UPDATE
         SET referrer_account_id = EXCLUDED.referrer_account_id, status = EXCLUDED.status,
             signed_up_at = EXCLUDED.signed_up_at, view = EXCLUDED.view`,
      [JSON.stringify(referrals)],
    );
  }

  /** A reward, once earned, is never rewritten here: payout moves its status elsewhere. */
  private async upsertRewards(tx: SqlClient, rewards: readonly RewardView[]) {
    await tx.query(
      `INSERT INTO ${this.s}.reward_view
         (reward_id, program, beneficiary_account_id, kind, unit, amount, status, earned_at, view)
       SELECT v->>'rewardId', v->>'program', v->>'beneficiaryAccountId', v->>'kind', v->>'unit',
              (v->>'amount')::bigint, v->>'status', (v->>'earnedAt')::timestamptz, v
       FROM jsonb_array_elements($1::jsonb) AS v
       ORDER BY v->>'rewardId' COLLATE "C"
       ON CONFLICT (reward_id) DO NOTHING`,
      [JSON.stringify(rewards)],
    );
  }
}
