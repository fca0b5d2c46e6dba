import type { ReferralStory } from '@referrals/domain';
import { example, runCli } from '../testing/run-cli';

/** `referrals explain`: one referral's story, from a replay of the history. */

const history = example('histories', 'all-programs.ndjson');
const explain = async (...args: string[]) => {
  const run = await runCli(['explain', '--input', history, ...args]);
  return {
    ...run,
    story:
      run.code === 0 && args.includes('--json')
        ? (JSON.parse(run.stdout) as ReferralStory)
        : undefined,
  };
};

describe('referrals explain', () => {
  describe('given a Smith.ai referral paid at its third-month check', () => {
    let story: ReferralStory;
    beforeAll(async () => {
      const run = await explain(
        '--program',
        'smithai',
        '--referee',
        'r1',
        '--as-of',
        '2026-06-01',
        '--json',
      );
      expect(run.code).toBe(0);
      story = run.story!;
    });

    it('names the referral, its status and the decision and rule that took it out of pending', () => {
      expect(story).toMatchObject({
        program: 'smithai',
        refereeAccountId: 'r1',
        referrerAccountId: 'firm',
        status: 'rewarded',
        decidedBy: {
          at: '2026-04-01T00:00:00.000Z',
          decision: 'referrer firm earned cash 1000.00 USD',
        },
      });
      expect(story.decidedBy!.rule).toMatch(/^third_month_cash: /);
    });

    it('tells the facts of both accounts in engine order, each with what it changed', () => {
      const facts = story.steps.filter((s) => s.kind === 'fact');
      const times = story.steps.map((s) => s.at);
      expect([...times].sort()).toEqual(times);
      expect(new Set(facts.map((s) => s.event!.accountId))).toEqual(new Set(['r1', 'firm']));
      const signup = facts.find(
        (s) => s.event!.accountId === 'r1' && s.event!.type === 'account.signed_up',
      )!;
      expect(signup.decisions.map((d) => d.type)).toEqual(['ReferralCreated']);
      const firstPayment = facts.find(
        (s) => s.event!.type === 'payment.succeeded' && s.event!.accountId === 'r1',
      )!;
      expect(firstPayment.changes).toContain('successfulPayments: 0 → 1');
      expect(firstPayment.decisions).toEqual([
        expect.objectContaining({
          type: 'CheckScheduled',
          says: 'check third_month_cash scheduled for 2026-04-01T00:00:00.000Z',
        }),
      ]);
    });

    it('shows the check as a step of its own, after the facts before it', () => {
      const check = story.steps.find((s) => s.kind === 'check')!;
      expect(check.at).toBe('2026-04-01T00:00:00.000Z');
      expect(check.decisions.map((d) => d.type)).toEqual(['RewardEarned']);
      expect(story.steps[story.steps.length - 1]).toBe(check);
    });
  });

  it('tells why a referral was forfeited', async () => {
    const { story } = await explain(
      '--program',
      'smithai',
      '--referee',
      'r2',
      '--as-of',
      '2026-06-01',
      '--json',
    );
    expect(story!.status).toBe('forfeited');
    expect(story!.reason).toBe('referee_not_active');
    expect(story!.decidedBy!.decision).toMatch(/^forfeited: referee_not_active/);
  });

  it('an account nobody referred has facts and no decisions', async () => {
    const { story } = await explain(
      '--program',
      'smithai',
      '--referee',
      'firm',
      '--as-of',
      '2026-06-01',
      '--json',
    );
    expect(story!.status).toBe('not_referred');
    expect(story!.steps.length).toBeGreaterThan(0);
    expect(story!.steps.every((s) => s.decisions.length === 0 && s.account === 'referee')).toBe(
      true,
    );
  });

  it('prints the story as text within 100 columns', async () => {
    const run = await explain('--program', 'smithai', '--referee', 'r1', '--as-of', '2026-06-01');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^smithai: r1, referred by firm: rewarded\n/);
    expect(run.stdout).toContain('=> referral opened: firm referred r1');
    expect(Math.max(...run.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('refuses an unknown program with exit code 2', async () => {
    const run = await explain('--program', 'nope', '--referee', 'r1');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--program: unknown program "nope"/);
  });

  it('refuses an account the history never speaks of with exit code 2, as the API answers 404', async () => {
    const run = await explain(
      '--program',
      'smithai',
      '--referee',
      'nobody',
      '--as-of',
      '2026-06-01',
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^--referee nobody: no account of smithai has that id/m);
  });

  it('refuses a referee id that breaks the id rule', async () => {
    const run = await explain('--program', 'smithai', '--referee', 'a\nb');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '--referee: must not contain control characters (U+0000–U+001F, U+007F)\n',
    );
  });
});
