import { SingleBar } from 'cli-progress';
import {
  AccountState,
  applyBillingFact,
  evolve,
  ExistingReferral,
  initialState,
  newAccount,
  ProgramRegistry,
  ReferralEvent,
  ReferralState,
  ReferralView,
  toReferralView,
} from '@referrals/domain';
import { EventStore, quoteIdent, RecordedEvent } from '@referrals/event-store';
import { REFERRAL_STREAM_PREFIX } from '@referrals/ingestion';
import { processManagerCheckpoint } from '@referrals/process-manager';
import { createRuntime, loadConfig } from '@referrals/runtime';
import { timeOrdered } from './replay/time-ordered';
import { storeHistory } from './store-history';

/**
 * `referrals rebuild-projections`: writes every read model again from the
 * events, deciding nothing. Referral views fold each referral's stream (the
 * decisions as they were taken, under the rules of their day) beside its
 * referee's billing facts (plan, product, payments) up to where the program's
 * process manager got; reward views, the ledger and the webhook outbox fold
 * `RewardEarned` and the reward streams again from the start. A changed
 * program file changes no view, and nothing is paid: no decider runs. The
 * outbox keeps what it sent, so no webhook goes out twice.
 * Run it with the workers stopped.
 */
export async function rebuildProjections(
  options: { programs?: ProgramRegistry } = {},
): Promise<string> {
  const runtime = await createRuntime(loadConfig(), options.programs);
  try {
    const referrals = await foldReferrals(runtime.store);
    const refereesByProgram = new Map<string, Set<string>>();
    for (const r of referrals.values()) {
      const set = refereesByProgram.get(r.program) ?? new Set<string>();
      refereesByProgram.set(r.program, set.add(r.refereeAccountId));
    }
    const upTo = new Map<string, bigint>();
    for (const program of refereesByProgram.keys()) {
      const checkpoint = await runtime.readModel.checkpoint(processManagerCheckpoint(program));
      if (checkpoint !== undefined) upTo.set(program, checkpoint);
    }
    const last = [...upTo.values()].reduce((max, p) => (p > max ? p : max), -1n);
    const bar = process.stderr.isTTY
      ? new SingleBar({ stream: process.stderr, format: 'rebuilding {bar} {value}/{total} events' })
      : undefined;
    bar?.start(Number(last) + 1, 0);
    // Each referee's facts in time order, as the process manager applied them.
    const accounts = new Map<string, AccountState>();
    const frozen = new Map<string, number>();
    // A decision stored before its event carried the payments it saw: count them up to its time.
    const decidedAt = new Map<string, number>();
    for (const r of referrals.values())
      if (r.decidedAt && r.paymentsAtDecision === undefined)
        decidedAt.set(`${r.program}:${r.refereeAccountId}`, Date.parse(r.decidedAt));
    let events = 0;
    const history = storeHistory(runtime.store, {
      upTo: last,
      onBatch: (p) => bar?.update(Number(p) + 1),
    });
    for await (const { event, seq, at } of timeOrdered(history)) {
      if (BigInt(seq) > (upTo.get(event.program) ?? -1n)) continue;
      if (!refereesByProgram.get(event.program)?.has(event.accountId)) continue;
      const key = `${event.program}:${event.accountId}`;
      const account = accounts.get(key) ?? newAccount(event.accountId);
      accounts.set(key, account);
      // Payments shown once the referral left pending: those up to its decision (CONTRACT §2),
      // for the decisions whose event does not say (see `decidedAt`).
      if (!frozen.has(key) && at > (decidedAt.get(key) ?? Infinity))
        frozen.set(key, account.successfulPayments);
      applyBillingFact(account, event);
      events++;
    }
    bar?.stop();
    const views: ReferralView[] = [];
    for (const referral of referrals.values()) {
      const program = runtime.programs.get(referral.program);
      if (!program) continue;
      const key = `${referral.program}:${referral.refereeAccountId}`;
      const account = accounts.get(key) ?? newAccount(referral.refereeAccountId);
      const payments =
        referral.paymentsAtDecision ??
        frozen.get(key) ??
        (decidedAt.has(key) ? account.successfulPayments : undefined);
      views.push(toReferralView(program, referral, account, payments));
    }
    // Reward views come back from the lifecycle projection, folded from the start.
    await runtime.readModel.replaceViews(views, []);
    await runtime.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${quoteIdent(runtime.schema)}.reward_ledger`);
      await runtime.lifecycle.reset(tx);
      await runtime.outbox.reset(tx);
    });
    await runtime.lifecycle.catchUp();
    await runtime.outbox.catchUp();
    const [{ n }] = await runtime.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${quoteIdent(runtime.schema)}.reward_view`,
    );
    return `rebuilt the read models from ${events} billing events and the decision streams: ${views.length} referrals, ${n} rewards`;
  } finally {
    await runtime.close();
  }
}

/** Every referral stream folded with the referral decider's `evolve`: the decisions as taken. */
async function foldReferrals(store: EventStore): Promise<Map<string, ExistingReferral>> {
  const states = new Map<string, ReferralState>();
  for await (const event of streamsUnder(store, REFERRAL_STREAM_PREFIX)) {
    const state = states.get(event.streamId) ?? initialState();
    states.set(event.streamId, evolve(state, event as unknown as ReferralEvent));
  }
  const referrals = new Map<string, ExistingReferral>();
  for (const [streamId, state] of states) if (state.exists) referrals.set(streamId, state);
  return referrals;
}

/** Every event of the streams under a prefix, in store order. */
async function* streamsUnder(store: EventStore, prefix: string): AsyncGenerator<RecordedEvent> {
  for (let after = -1n; ;) {
    const batch = await store.readAll({ after, maxCount: 5000, streamPrefixes: [prefix] });
    if (batch.length === 0) return;
    yield* batch;
    after = batch[batch.length - 1].globalPosition;
  }
}
