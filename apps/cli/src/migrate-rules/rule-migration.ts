import { EarnedReward, ProgramRegistry, ReferralEngine, RewardView } from '@referrals/domain';
import type { EventStore, RecordedEvent } from '@referrals/event-store';
import { REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { processManagerCheckpoint, programVersion } from '@referrals/process-manager';
import {
  RewardCommandRejected,
  RewardFacts,
  RewardLifecycleStatus,
  RewardStreams,
} from '@referrals/rewards';
import type { Runtime } from '@referrals/runtime';
import { timeOrdered } from '../replay/time-ordered';
import { storeHistory } from '../store-history';

/**
 * What new rules would change about the rewards already decided:
 * `adjust` (another amount), `void` (no longer earned), `new` (earned only
 * under the new rules: shown, never appended, since only the live process
 * manager decides), and after `--apply`, `refused` (e.g. cash already paid out).
 */
export interface RewardCorrection {
  readonly rewardId: string;
  readonly program: string;
  readonly beneficiaryAccountId: string;
  readonly kind: string;
  readonly unit: string;
  readonly status: RewardLifecycleStatus | 'not_decided';
  readonly before: number;
  readonly after: number;
  readonly action: 'adjust' | 'void' | 'new';
  outcome?: 'appended' | 'nothing_to_do' | `refused: ${string}`;
}

export interface MigrationPlan {
  /** The content hash of each migrated program's new rules. */
  readonly versions: Readonly<Record<string, string>>;
  readonly corrections: RewardCorrection[];
}

export const MIGRATION_ACTOR = 'migrate-rules';

/**
 * Decides the stored history again under `rules`, in memory (as the analyst
 * replay does: nothing is stored, nothing paid), up to where each program's
 * process manager is and with the checks it has fired, and compares each
 * reward with what the streams hold (its amount after any adjustment; voided
 * rewards count as none).
 */
export async function planMigration(
  runtime: Runtime,
  rules: ProgramRegistry,
  programIds: readonly string[],
): Promise<MigrationPlan> {
  const scope = new Set(programIds);
  const rewards = new RewardStreams(runtime.store);
  const decided = new Map<string, RewardFacts & { status: RewardLifecycleStatus }>();
  const scheduled = new Map<string, number>();
  const horizons = new Map<string, number>();
  for await (const { type, data } of streamsUnder(runtime.store, REFERRAL_STREAM_PREFIX)) {
    const d = data as Record<string, string>;
    const program = d.referralId.slice(0, d.referralId.indexOf(':'));
    if (!scope.has(program)) continue;
    const key = `${d.referralId}\u0000${d.triggerId}`;
    if (type === 'CheckScheduled') scheduled.set(key, Date.parse(d.dueAt));
    else if ((type === 'RewardEarned' || type === 'ReferralForfeited') && scheduled.has(key))
      horizons.set(program, Math.max(horizons.get(program) ?? -Infinity, scheduled.get(key)!));
    if (type !== 'RewardEarned') continue;
    const earned = data as EarnedReward;
    const { state } = await rewards.load(earned.rewardId);
    const facts = state.reward ?? factsOf(earned);
    decided.set(earned.rewardId, { ...facts, status: state.status });
  }

  const upTo = new Map<string, bigint>();
  for (const program of scope) {
    const checkpoint = await runtime.readModel.checkpoint(processManagerCheckpoint(program));
    if (checkpoint !== undefined) upTo.set(program, checkpoint);
  }
  const last = [...upTo.values()].reduce((max, p) => (p > max ? p : max), -1n);
  const engine = new ReferralEngine(rules);
  for await (const { event, seq } of timeOrdered(storeHistory(runtime.store, { upTo: last }))) {
    if (scope.has(event.program) && BigInt(seq) <= (upTo.get(event.program) ?? -1n))
      engine.apply(event);
  }
  for (const horizon of horizons.values()) engine.advanceTo(horizon);
  const wouldEarn = new Map<string, RewardView>(
    engine
      .rewardViews()
      .filter((r) => scope.has(r.program))
      .map((r) => [r.rewardId, r]),
  );

  const corrections: RewardCorrection[] = [];
  for (const [rewardId, now] of decided) {
    if (now.status === 'voided') continue;
    const next = wouldEarn.get(rewardId);
    if (!next) corrections.push(correction(now, now.status, now.amount, 0, 'void'));
    else if (next.amount !== now.amount)
      corrections.push(correction(now, now.status, now.amount, next.amount, 'adjust'));
  }
  for (const [rewardId, next] of wouldEarn)
    if (!decided.has(rewardId))
      corrections.push(correction(next, 'not_decided', 0, next.amount, 'new'));
  const versions = Object.fromEntries(
    [...scope].map((id) => [id, programVersion(rules.require(id))]),
  );
  return { versions, corrections };
}

/** Appends the correcting events: `RewardAdjusted`, `RewardVoided` with reason `rule_change`. */
export async function applyMigration(
  runtime: Runtime,
  plan: MigrationPlan,
  at: Date,
): Promise<void> {
  const rewards = new RewardStreams(runtime.store);
  let last = -1n;
  for (const c of plan.corrections) {
    if (c.action === 'new') continue;
    const { rewardId } = c;
    try {
      const { events, position } =
        c.action === 'void'
          ? await rewards.handle(rewardId, {
              type: 'Void',
              data: { rewardId, by: MIGRATION_ACTOR, reason: 'rule_change', at: at.toISOString() },
            })
          : await rewards.handle(rewardId, {
              type: 'Adjust',
              data: {
                earned: await earnedFacts(rewards, runtime, rewardId),
                amount: c.after,
                programVersion: plan.versions[c.program],
                by: MIGRATION_ACTOR,
                at: at.toISOString(),
              },
            });
      c.outcome = events.length > 0 ? 'appended' : 'nothing_to_do';
      if (position !== undefined && position > last) last = position;
    } catch (error) {
      if (!(error instanceof RewardCommandRejected)) throw error;
      c.outcome = `refused: ${error.reason}`;
    }
  }
  // Folded before the command returns (ledger, views, the webhooks owed): up to the last append,
  // which a plain catch-up may not see yet while other transactions on the database are open.
  await runtime.lifecycle.catchUpTo(last, PROJECTION_WAIT_MS);
  await runtime.outbox.catchUpTo(last, PROJECTION_WAIT_MS);
}

const PROJECTION_WAIT_MS = 30_000;

/** The reward's facts: its stream's when it has any, else its `RewardEarned` as projected. */
async function earnedFacts(
  rewards: RewardStreams,
  runtime: Runtime,
  rewardId: string,
): Promise<RewardFacts> {
  const { state } = await rewards.load(rewardId);
  if (state.reward) return state.reward;
  const view = await runtime.payout.view(rewardId);
  if (!view) throw new Error(`reward ${rewardId} is in no view: run rebuild-projections first`);
  const { status: _status, paidAt: _paidAt, ...facts } = view;
  return facts;
}

const correction = (
  r: RewardFacts,
  status: RewardCorrection['status'],
  before: number,
  after: number,
  action: RewardCorrection['action'],
): RewardCorrection => ({
  rewardId: r.rewardId,
  program: r.program,
  beneficiaryAccountId: r.beneficiaryAccountId,
  kind: r.kind,
  unit: r.unit,
  status,
  before,
  after,
  action,
});

const factsOf = (earned: EarnedReward): RewardFacts => ({
  rewardId: earned.rewardId,
  program: earned.program,
  referrerAccountId: earned.referrerAccountId,
  refereeAccountId: earned.refereeAccountId,
  beneficiaryAccountId: earned.beneficiaryAccountId,
  role: earned.role,
  kind: earned.kind,
  amount: earned.amount,
  unit: earned.unit,
  earnedAt: earned.earnedAt,
  ...(earned.dueBy !== undefined && { dueBy: earned.dueBy }),
  ...(earned.expiresAt !== undefined && { expiresAt: earned.expiresAt }),
});

/** Every event of the streams under a prefix, in store order. */
async function* streamsUnder(store: EventStore, prefix: string): AsyncGenerator<RecordedEvent> {
  for (let after = -1n; ;) {
    const batch = await store.readAll({ after, maxCount: 5000, streamPrefixes: [prefix] });
    if (batch.length === 0) return;
    yield* batch;
    after = batch[batch.length - 1].globalPosition;
  }
}
