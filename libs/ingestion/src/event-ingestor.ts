import {
  BillingEvent,
  Problem,
  ProgramCatalogs,
  prefixProblems,
  validateBillingEvent,
} from '@referrals/contracts';
import { codeConflictRule } from '@referrals/domain';
import {
  completedWrites,
  EventStore,
  EventToAppend,
  PartialBatchError,
  StreamWrite,
  WrongExpectedVersionError,
} from '@referrals/event-store';
import { CODE_CLAIMED, CodeClaimed } from './code-claim';
import { EarlierAttempts } from './earlier-attempts';
import { accountStream, billingEventId, codeClaimEventId, codeStream } from './streams';

export const MAX_BATCH = 1000;

export type IngestOutcome =
  | { readonly status: 'accepted'; readonly stored: number; readonly duplicates: number }
  | { readonly status: 'invalid'; readonly problems: readonly Problem[] }
  | { readonly status: 'conflict'; readonly problems: readonly Problem[] };

/**
 * Takes one event or a batch from upstream, all or nothing: every event is
 * checked against the contract, every code claim against the code streams,
 * and only then is the whole batch appended in one go. A `(program, id)`
 * already stored is reported as a duplicate, never an error.
 *
 * On PostgreSQL and PGlite the batch is one transaction. EventStoreDB has no
 * transaction across streams: there the batch goes stream by stream, code
 * claims first (only this ingestor reads them: they keep codes unique), then
 * the billing facts, in the order a transaction would have stored them.
 * Every event id follows from `(program, id)` or the code, so a batch that
 * stopped part-way is tried again whole, here at once and by upstream after
 * an error: a claim of this account is found as its own, a stored fact as a
 * duplicate, and the rest goes in. Until then the engine sees only the facts
 * before the stop, as if the rest came late. Facts stored by an earlier try
 * of the same request count as stored, so the answer is the atomic store's.
 * A batch that never completes can leave a claim without its fact: the code
 * stays with the account that claimed it (it may still assign it; another
 * gets 409). Facts first would be worse: a rival that loses the claim race
 * would leave a fact naming a code it does not hold.
 */
export class EventIngestor {
  constructor(
    private readonly store: EventStore,
    private readonly programs: ProgramCatalogs,
    private readonly clock: () => Date = () => new Date(),
    /** MAX_CLOCK_SKEW: how far ahead of `clock` an `occurredAt` may be (CONTRACT §1). */
    private readonly maxClockSkewMs = 5 * 60_000,
  ) {}

  async ingest(body: unknown): Promise<IngestOutcome> {
    const batch = Array.isArray(body);
    const items: unknown[] = batch ? (body as unknown[]) : [body];
    if (items.length === 0) return invalid('(body)', 'must hold at least one event');
    if (items.length > MAX_BATCH) return invalid('(body)', `must hold at most ${MAX_BATCH} events`);

    const events: BillingEvent[] = [];
    const problems: Problem[] = [];
    const liveClock = { now: this.clock().getTime(), maxSkewMs: this.maxClockSkewMs };
    items.forEach((item, index) => {
      const result = validateBillingEvent(item, this.programs, liveClock);
      if (result.ok) events.push(result.value);
      else
        problems.push(...(batch ? prefixProblems(result.problems, `[${index}]`) : result.problems));
    });
    if (problems.length > 0) return { status: 'invalid', problems };

    // A claim can race another request; the loser re-reads and answers 409 or goes through.
    // A batch stopped part-way (EventStoreDB) is tried again whole to complete it.
    const earlier = new EarlierAttempts();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.append(events, batch, earlier);
      } catch (error) {
        const retry =
          error instanceof PartialBatchError || error instanceof WrongExpectedVersionError;
        if (!retry || attempt >= 2) throw error instanceof PartialBatchError ? error.cause : error;
      }
    }
  }

  private async append(
    events: BillingEvent[],
    batch: boolean,
    earlier: EarlierAttempts,
  ): Promise<IngestOutcome> {
    const claims = await this.codeClaims(events, batch);
    if ('problems' in claims) return { status: 'conflict', problems: claims.problems };

    const receivedAt = this.clock().toISOString();
    const byStream = new Map<string, EventToAppend[]>();
    for (const event of events) {
      const streamId = accountStream(event.program, event.accountId);
      const list = byStream.get(streamId) ?? [];
      list.push({
        eventId: billingEventId(event.program, event.id),
        type: event.type,
        data: event,
        metadata: { receivedAt },
      });
      byStream.set(streamId, list);
    }
    const writes: StreamWrite[] = [
      ...claims.writes,
      ...[...byStream].map(([streamId, list]) => ({
        streamId,
        events: list,
        expectedVersion: 'any' as const,
      })),
    ];
    const results = await this.store.appendBatch(writes).catch((error: unknown) => {
      earlier.note(writes, completedWrites(error));
      throw error;
    });
    return { status: 'accepted', ...earlier.count(results.slice(claims.writes.length)) };
  }

  /** New claims to write, or the codes another account already holds. */
  private async codeClaims(
    events: BillingEvent[],
    batch: boolean,
  ): Promise<{ writes: StreamWrite[] } | { problems: Problem[] }> {
    const writes: StreamWrite[] = [];
    const problems: Problem[] = [];
    const claimedHere = new Map<string, string>();
    for (const [index, event] of events.entries()) {
      if (event.type !== 'referral_code.assigned') continue;
      const { code } = event.data;
      const streamId = codeStream(event.program, code);
      const holder = claimedHere.get(streamId) ?? (await this.holderOf(streamId));
      if (holder !== undefined && holder !== event.accountId) {
        problems.push({
          path: batch ? `[${index}].data.code` : 'data.code',
          rule: codeConflictRule(code),
        });
        continue;
      }
      if (holder !== undefined) continue;
      claimedHere.set(streamId, event.accountId);
      const claim: CodeClaimed = {
        program: event.program,
        code,
        accountId: event.accountId,
        claimedAt: event.occurredAt,
      };
      writes.push({
        streamId,
        expectedVersion: 'no_stream',
        events: [
          {
            eventId: codeClaimEventId(event.program, code, event.accountId),
            type: CODE_CLAIMED,
            data: claim,
          },
        ],
      });
    }
    return problems.length > 0 ? { problems } : { writes };
  }

  private async holderOf(streamId: string): Promise<string | undefined> {
    const [first] = await this.store.readStream(streamId, { maxCount: 1 });
    return (first?.data as CodeClaimed | undefined)?.accountId;
  }
}

const invalid = (path: string, rule: string): IngestOutcome => ({
  status: 'invalid',
  problems: [{ path, rule }],
});
