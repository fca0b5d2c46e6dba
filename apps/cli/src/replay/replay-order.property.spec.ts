import { Readable } from 'node:stream';
import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry } from '@referrals/domain';
import fc from 'fast-check';
import {
  billingHistory,
  HISTORY_END,
} from '../../../../libs/domain/src/testing/billing-history.arbitrary';
import { readHistory } from './read-history';
import { replay, ReplayResult } from './replay';

/**
 * CONTRACT §1: decisions follow `occurredAt`, never arrival order, and a duplicate
 * `(program, id)` is ignored wherever it arrives. The generated histories keep every
 * `occurredAt` distinct, because ties are decided by arrival order: a shuffle may
 * legitimately change the outcome of a tie, so ties are not part of this property.
 */

const programs = ProgramRegistry.withBuiltins();
const toLines = (events: readonly BillingEvent[]) => events.map((e) => JSON.stringify(e));
const replayLines = (
  lines: readonly string[],
  asOf: number,
  runSize?: number,
): Promise<ReplayResult> =>
  replay(readHistory(Readable.from(lines.map((l) => `${l}\n`)), programs), asOf, programs, {
    runSize,
  });

/** A history, a permutation of it with duplicates of some of its lines, and a clock. */
const scenario = billingHistory(120).chain((events) => {
  const lines = toLines(events);
  return fc.record({
    lines: fc.constant(lines),
    delivered: fc
      .tuple(
        fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }),
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(lines.length)), { maxLength: 12 }),
      )
      .map(([shuffled, copies]) => {
        const out = [...shuffled];
        for (const [which, where] of copies)
          out.splice(Math.min(where, out.length), 0, lines[which]);
        return out;
      }),
    asOf: fc.oneof(
      fc.constant(HISTORY_END),
      fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: HISTORY_END }),
    ),
  });
});

// Counts what the runs decided, so a generator that never produces a referral cannot pass unnoticed.
const seen = { referrals: 0, rewards: 0, statuses: new Set<string>(), programs: new Set<string>() };

describe('when a history arrives shuffled and with duplicates', () => {
  it('the replay decides exactly as for the history in occurredAt order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ lines, delivered, asOf }) => {
        const expected = await replayLines(lines, asOf);
        // A small runSize also sends the shuffled history through the spill-to-disk merge.
        const actual = await replayLines(delivered, asOf, 16);
        expect(actual).toEqual(expected);
        seen.referrals += expected.referrals.length;
        seen.rewards += expected.rewards.length;
        for (const r of expected.referrals) {
          seen.statuses.add(`${r.status}${r.reason ? `:${r.reason}` : ''}`);
          seen.programs.add(r.program);
        }
      }),
      // 300 runs: with 150, a fresh-clone CI run once drew histories that earned 7 rewards in all.
      { numRuns: 300 },
    );
    expect(seen.referrals).toBeGreaterThan(50);
    expect(seen.rewards).toBeGreaterThan(10);
    expect(seen.programs).toEqual(new Set(['kallyai', 'callrail', 'smithai']));
    expect([...seen.statuses]).toEqual(
      expect.arrayContaining([
        'pending',
        'rewarded',
        'ineligible:self_referral',
        'forfeited:referee_not_active',
      ]),
    );
  });
});

describe('reward ids', () => {
  it('are the same on every replay of a history, whatever the upstream event ids', async () => {
    await fc.assert(
      fc.asyncProperty(billingHistory(120), async (events) => {
        const first = await replayLines(toLines(events), HISTORY_END);
        const again = await replayLines(toLines(events), HISTORY_END);
        const renamed = await replayLines(
          toLines(events.map((e, i) => ({ ...e, id: `upstream-${events.length - i}` }))),
          HISTORY_END,
        );
        const ids = (r: ReplayResult) => r.rewards.map((w) => w.rewardId);
        expect(ids(again)).toEqual(ids(first));
        expect(ids(renamed)).toEqual(ids(first));
        expect(new Set(ids(first)).size).toBe(first.rewards.length);
        const listed = first.referrals.flatMap((r) => r.rewards).sort();
        expect(listed).toEqual([...ids(first)].sort());
      }),
      { numRuns: 80 },
    );
  });
});
