import type { BillingEvent } from '@referrals/contracts';
import { ReferralEngine } from '../engine/referral-engine';
import { ProgramRegistry } from '../programs/program-registry';
import { activated, codeAssigned, Fact, paid, signedUp } from '../testing/billing-facts';
import { ReferralStory } from './referral-story';
import { ReferralStoryRecorder } from './story-recorder';

/** A referral's story, recorded around the engine as a replay runs it. */

const programs = ProgramRegistry.withBuiltins();
const kallyai = programs.require('kallyai');
const asEvents = (facts: Fact[]): BillingEvent[] =>
  facts.map((f, i) => ({ program: 'kallyai', id: `e${i}`, ...f }) as BillingEvent);

function storyOf(referee: string, facts: Fact[], asOf = '2026-06-01T00:00:00Z'): ReferralStory {
  const recorder = new ReferralStoryRecorder(new ReferralEngine(programs), kallyai, referee);
  for (const event of asEvents(facts)) recorder.apply(event);
  recorder.advanceTo(Date.parse(asOf));
  return recorder.story(Date.parse(asOf));
}

const history: Fact[] = [
  signedUp('alice', {}, '2026-01-01T10:00:00Z'),
  activated('alice', { plan: 'pro' }, '2026-01-01T10:05:00Z'),
  codeAssigned('alice', 'ALICE-1', '2026-01-02T10:00:00Z'),
  signedUp('carol', {}, '2026-01-03T10:00:00Z'), // another account: not part of bob's story
  paid('alice', { invoiceId: 'a-1', amount: 2900 }, '2026-01-04T10:00:00Z'),
  signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
  paid('alice', { invoiceId: 'a-2', amount: 2900 }, '2026-01-11T10:00:00Z'),
  activated('bob', { plan: 'pro' }, '2026-01-12T12:30:00Z'),
  paid('alice', { invoiceId: 'a-3', amount: 2900 }, '2026-02-04T10:00:00Z'),
];

describe('given a KallyAI referral rewarded at the referee first activation', () => {
  const story = storyOf('bob', history);

  it('then it names both accounts, the status, and the decision and rule that settled it', () => {
    expect(story).toMatchObject({
      program: 'kallyai',
      refereeAccountId: 'bob',
      referrerAccountId: 'alice',
      status: 'rewarded',
      decidedBy: { at: '2026-01-12T12:30:00.000Z' },
    });
    expect(story.decidedBy!.decision).toMatch(/earned bonus_minutes 90 minutes$/);
    expect(story.decidedBy!.rule).toMatch(/first subscription/);
  });

  it('then the steps are the two accounts facts, in order, each with what it changed', () => {
    expect(story.steps.map((s) => [s.at.slice(0, 10), s.event?.accountId, s.event?.type])).toEqual([
      ['2026-01-01', 'alice', 'account.signed_up'],
      ['2026-01-01', 'alice', 'subscription.activated'],
      ['2026-01-02', 'alice', 'referral_code.assigned'],
      ['2026-01-04', 'alice', 'payment.succeeded'],
      ['2026-01-10', 'bob', 'account.signed_up'],
      ['2026-01-11', 'alice', 'payment.succeeded'],
      ['2026-01-12', 'bob', 'subscription.activated'],
    ]);
    expect(story.steps[1].changes).toContain('active: false → true');
    expect(story.steps[4].decisions.map((d) => d.type)).toEqual(['ReferralCreated']);
    expect(story.steps[6].decisions.map((d) => d.type)).toEqual(['RewardEarned', 'RewardEarned']);
  });

  it('then the referrer facts after the decision are left out', () => {
    expect(story.steps.some((s) => s.at.startsWith('2026-02-04'))).toBe(false);
  });
});

describe('given a referrer who was no subscriber at the signup', () => {
  const story = storyOf('bob', [
    signedUp('alice', {}, '2026-01-01T10:00:00Z'),
    codeAssigned('alice', 'ALICE-1', '2026-01-02T10:00:00Z'),
    signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
  ]);

  it('then the story ends ineligible, and names the eligibility rule', () => {
    expect(story.status).toBe('ineligible');
    expect(story.reason).toBe('referrer_not_subscribed');
    expect(story.decidedBy!.rule).toMatch(/active subscriber/);
    expect(story.steps[2].decisions.map((d) => d.type)).toEqual([
      'ReferralCreated',
      'ReferralMarkedIneligible',
    ]);
  });
});

describe('given an account that signed up with no code', () => {
  it('then it was not referred, and its story is its own facts', () => {
    const story = storyOf('carol', history);
    expect(story.status).toBe('not_referred');
    expect(story.referrerAccountId).toBeUndefined();
    expect(story.steps.map((s) => s.event?.accountId)).toEqual(['carol']);
  });
});
