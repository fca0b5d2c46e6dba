import type { ReferralView, RewardView } from '@referrals/domain';
import { quoteIdent, SqlClient } from './sql-database';

export interface ProgramSummary {
  program: string;
  referrals: { total: number; byStatus: Record<string, number> };
  rewards: {
    count: number;
    earned: { kind: string; unit: string; count: number; amount: number }[];
  };
}

/** The questions the API asks of the read models. */
export class ReadModelQueries {
  private readonly s: string;

  constructor(
    private readonly db: SqlClient,
    schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  async referralsOf(program: string, referrerAccountId: string): Promise<ReferralView[]> {
    const rows = await this.db.query<{ view: ReferralView }>(
      `SELECT view FROM ${this.s}.referral_view
       WHERE program = $1 AND referrer_account_id = $2
       ORDER BY signed_up_at, referee_account_id`,
      [program, referrerAccountId],
    );
    return rows.map((r) => parseJson(r.view));
  }

  async rewardsOf(program: string, beneficiaryAccountId: string): Promise<RewardView[]> {
    const rows = await this.db.query<{ view: RewardView }>(
      `SELECT view FROM ${this.s}.reward_view
       WHERE program = $1 AND beneficiary_account_id = $2
       ORDER BY earned_at, reward_id`,
      [program, beneficiaryAccountId],
    );
    return rows.map((r) => parseJson(r.view));
  }

  async summary(program: string): Promise<ProgramSummary> {
    const statuses = await this.db.query<{ status: string; n: string }>(
      `SELECT status, count(*)::text AS n FROM ${this.s}.referral_view WHERE program = $1 GROUP BY status`,
      [program],
    );
    const earned = await this.db.query<{ kind: string; unit: string; n: string; amount: string }>(
      `SELECT kind, unit, count(*)::text AS n, sum(amount)::text AS amount
       FROM ${this.s}.reward_view WHERE program = $1 GROUP BY kind, unit ORDER BY kind, unit`,
      [program],
    );
    const byStatus = Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)]));
    return {
      program,
      referrals: { total: statuses.reduce((n, r) => n + Number(r.n), 0), byStatus },
      rewards: {
        count: earned.reduce((n, r) => n + Number(r.n), 0),
        earned: earned.map((r) => ({
          kind: r.kind,
          unit: r.unit,
          count: Number(r.n),
          amount: Number(r.amount),
        })),
      },
    };
  }
}

/** Drivers differ: pg parses jsonb, some return text. */
const parseJson = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;
