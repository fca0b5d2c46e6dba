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
import { scanHistory } from './scan-history';

/**
 * Pass two reads only the facts of accounts taking part in a referral
 * (accountsTakingPart). The property: leaving the others out decides exactly
 * what reading every account decides. Some signups lose the referrer they
 * name and some codes are typed in lower case, so that many accounts are
 * bystanders: referrers of nobody, holders of codes nobody names.
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

describe('pass two reads only the accounts taking part in a referral', () => {
  let folder: string;
  beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'taking-part-'))));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('and decides exactly what reading every account decides', () => {
    const seen = { leftOut: 0, referrals: 0, rewards: 0 };
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 8 }), (events, cut) => {
        const path = join(folder, 'history.ndjson');
        writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
        const asOf = HISTORY_END - cut * 20 * 86_400_000;
        const stats = { lines: 0, accepted: 0, duplicates: 0 };
        const scanned = scanHistory(path, programs, stats);
        const replayOf = (everyAccount: boolean) =>
          booksOf(scanned, asOf, everyAccount).map((book) =>
            runReplayJob({ path, asOf, ...book }, programs),
          );
        const everyone = replayOf(true);
        expect(replayOf(false)).toEqual(everyone);
        const size = (everyAccount: boolean) =>
          booksOf(scanned, asOf, everyAccount).reduce((n, book) => n + book.offset.length, 0);
        seen.leftOut += size(true) - size(false);
        seen.referrals += everyone.reduce((n, p) => n + p.referrals.length, 0);
        seen.rewards += everyone.reduce((n, p) => n + p.rewards.length, 0);
      }),
      { numRuns: 300 },
    );
    // The property means something only if facts were left out and referrals decided
    // (floors well below what runs draw: ~2,600 left out, ~250 referrals, 23-35 rewards).
    expect(seen.leftOut).toBeGreaterThan(1000);
    expect(seen.referrals).toBeGreaterThan(100);
    expect(seen.rewards).toBeGreaterThan(8);
  });
});
