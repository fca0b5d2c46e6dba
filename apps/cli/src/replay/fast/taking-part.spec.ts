import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BillingEvent } from '@referrals/contracts';
import { ProgramRegistry } from '@referrals/domain';
import fc from 'fast-check';
import {
  billingHistory,
  HISTORY_END,
} from '../../../../../libs/domain/src/testing/billing-history.arbitrary';
import { booksOf, runReplayJob } from '../parallel/jobs';
import { sortedResult } from '../replay';
import { scanHistory } from './scan-history';

/**
 * Pass two reads only the facts of accounts taking part in a referral, and
 * can share a program's referral groups out among engines (referralGroups).
 * The property: leaving the others out, and cutting a program into shares of
 * its groups, decides exactly what reading every account in one engine a
 * program decides. Some signups lose the referrer they name and some codes
 * are typed in lower case, so that many accounts are bystanders: referrers of
 * nobody, holders of codes nobody names.
 */
const programs = ProgramRegistry.withBuiltins();

const history = billingHistory(120).chain((events) =>
  fc
    .array(fc.constantFrom('keep', 'keep', 'drop-referrer', 'lower-case'), {
      minLength: events.length,
      maxLength: events.length,
    })
    .map((edits) => events.map((event, i) => edited(event, edits[i]))),
);

function edited(event: BillingEvent, edit: string): BillingEvent {
  if (event.type !== 'account.signed_up' || edit === 'keep') return event;
  const { referralCode, referrerAccountId, ...rest } = event.data;
  if (edit === 'drop-referrer') return { ...event, data: rest };
  return {
    ...event,
    data: {
      ...rest,
      ...(referralCode !== undefined && { referralCode: referralCode.toLowerCase() }),
      ...(referrerAccountId !== undefined && { referrerAccountId }),
    },
  };
}

describe('pass two reads only the accounts taking part in a referral, a share of their groups an engine', () => {
  let folder: string;
  beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'taking-part-'))));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('and decides exactly what reading every account in one engine a program decides', () => {
    const seen = { leftOut: 0, referrals: 0, rewards: 0, shared: 0 };
    fc.assert(
      fc.property(
        history,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 40 }),
        (events, cut, perEngine) => {
          const path = join(folder, 'history.ndjson');
          writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
          const asOf = HISTORY_END - cut * 20 * 86_400_000;
          const stats = { lines: 0, accepted: 0, duplicates: 0 };
          const scanned = scanHistory(path, programs, stats);
          const replayOf = (options: Parameters<typeof booksOf>[2]) => {
            const replayed = booksOf(scanned, asOf, options).map((book) =>
              runReplayJob({ path, asOf, ...book }, programs),
            );
            const referrals = replayed.flatMap((r) => r.referrals);
            return sortedResult(
              referrals,
              replayed.flatMap((r) => r.rewards),
              asOf,
            );
          };
          const everyone = replayOf({ everyAccount: true });
          expect(replayOf({})).toEqual(everyone);
          expect(replayOf({ perEngine })).toEqual(everyone);
          const size = (everyAccount: boolean) =>
            booksOf(scanned, asOf, { everyAccount }).reduce((n, book) => n + book.offset.length, 0);
          seen.leftOut += size(true) - size(false);
          seen.shared +=
            booksOf(scanned, asOf, { perEngine }).length - programs.programIds().length;
          seen.referrals += everyone.referrals.length;
          seen.rewards += everyone.rewards.length;
        },
      ),
      { numRuns: 300 },
    );
    // The property means something only if facts were left out and referrals decided
    // (floors well below what runs draw: ~2,600 left out, ~250 referrals, 23-35 rewards).
    expect(seen.leftOut).toBeGreaterThan(1000);
    expect(seen.referrals).toBeGreaterThan(100);
    expect(seen.rewards).toBeGreaterThan(8);
    expect(seen.shared).toBeGreaterThan(300);
  });
});
