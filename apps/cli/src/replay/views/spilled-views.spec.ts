import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { ReferralView, RewardView } from '@referrals/domain';
import fc from 'fast-check';
import { sortedResult } from '../replay';
import { SpilledViews } from './spilled-views';

/**
 * Written out book by book (a program's, or one of several shares of it) and
 * read back, the views come in the order the in-memory replay sorts them in:
 * referrals program after program, rewards merged across programs by the
 * time they were earned.
 */
const PROGRAMS = ['smithai', 'kallyai', 'callrail'];
const instant = fc
  .integer({ min: 0, max: 40 })
  .map((day) => new Date(Date.UTC(2026, 0, 1 + day)).toISOString());

const referral = (program: string) =>
  fc
    .record({ signedUpAt: instant, referee: fc.integer({ min: 0, max: 30 }) })
    .map(({ signedUpAt, referee }): ReferralView => ({
      program,
      referrerAccountId: 'r',
      refereeAccountId: `acct-${referee}`,
      status: 'pending',
      signedUpAt,
      successfulPayments: 0,
      rewards: [],
    }));
const reward = (program: string) =>
  fc
    .record({ earnedAt: instant, referee: fc.integer({ min: 0, max: 5 }), id: fc.nat(1e6) })
    .map(({ earnedAt, referee, id }): RewardView => ({
      rewardId: `rw_${program}_${id}`,
      program,
      referrerAccountId: 'r',
      refereeAccountId: `acct-${referee}`,
      beneficiaryAccountId: 'r',
      role: id % 2 === 0 ? 'referrer' : 'referee',
      kind: 'cash',
      amount: id,
      unit: 'USD',
      status: 'earned',
      earnedAt,
    }));
const uniqueBy = <T>(key: (t: T) => string) => ({ selector: key });
const programViews = fc.tuple(
  ...PROGRAMS.map((program) =>
    fc.record({
      referrals: fc.uniqueArray(
        referral(program),
        uniqueBy((r) => r.refereeAccountId),
      ),
      rewards: fc.uniqueArray(
        reward(program),
        uniqueBy((r) => r.rewardId),
      ),
    }),
  ),
);

describe('SpilledViews', () => {
  it('reads back what it was given, in the order the replay prints, and removes its folder', () => {
    fc.assert(
      fc.property(programViews, fc.integer({ min: 1, max: 3 }), (views, shares) => {
        const expected = sortedResult(
          views.flatMap((v) => structuredClone(v.referrals)),
          views.flatMap((v) => structuredClone(v.rewards)),
          0,
        );
        const spilled = new SpilledViews();
        const share = <T>(list: T[], k: number) => list.filter((_, j) => j % shares === k);
        views.forEach((v) => {
          for (let k = 0; k < shares; k++) {
            spilled.add(share(v.referrals, k), share(v.rewards, k));
          }
        });
        const read = spilled.views(expected.asOf);
        expect(read.referralCount).toBe(expected.referrals.length);
        expect(read.rewardCount).toBe(expected.rewards.length);
        expect([...read.referrals()]).toEqual(expected.referrals);
        expect([...read.rewards()]).toEqual(expected.rewards);
        read.close();
        // Its own folder: other replays (other test files, other processes) use the same tmpdir.
        expect(existsSync(spilled.folder)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('removes its folder when removed before being read', () => {
    const spilled = new SpilledViews();
    spilled.add([], []);
    expect(existsSync(spilled.folder)).toBe(true);
    expect(dirname(spilled.folder)).toBe(tmpdir());
    spilled.remove();
    expect(existsSync(spilled.folder)).toBe(false);
  });
});
