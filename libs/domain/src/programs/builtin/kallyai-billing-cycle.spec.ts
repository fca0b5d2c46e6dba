import { activated, paid, planChanged, signedUp } from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/**
 * CONTRACT §3 kallyai: minutes last for the beneficiary's current billing cycle, its latest
 * `currentPeriodEnd` known when earned; else a calendar month.
 */

const kallyai = engineScenario('kallyai');
const referrerOn = (data: { currentPeriodEnd?: string }) => [
  signedUp('alice', {}, '2026-01-02T09:00:00Z'),
  activated('alice', { plan: 'pro', ...data }, '2026-01-02T09:05:00Z'),
  signedUp('bob', { referrerAccountId: 'alice' }, '2026-01-20T10:00:00Z'),
];
const expiryFor = (outcome: ReturnType<typeof kallyai.given>, beneficiary: string) =>
  outcome.rewardsFor(beneficiary).map((r) => r.expiresAt);

describe('when the referee activates', () => {
  it('the referrer’s minutes lapse when its own billing cycle ends', () => {
    const outcome = kallyai.given(
      ...referrerOn({ currentPeriodEnd: '2026-02-02T09:05:00Z' }),
      activated('bob', { plan: 'pro' }, '2026-01-30T12:00:00Z'),
    );
    expect(expiryFor(outcome, 'alice')).toEqual(['2026-02-02T09:05:00.000Z']);
  });

  it('the referee’s minutes lapse when the cycle its activation starts ends', () => {
    const outcome = kallyai.given(
      ...referrerOn({}),
      activated(
        'bob',
        { plan: 'pro', currentPeriodEnd: '2026-02-15T00:00:00Z' },
        '2026-01-30T12:00:00Z',
      ),
    );
    expect(expiryFor(outcome, 'bob')).toEqual(['2026-02-15T00:00:00.000Z']);
  });

  it('with no cycle known they last a calendar month, clamped to its last day', () => {
    const outcome = kallyai.given(
      ...referrerOn({}),
      activated('bob', { plan: 'pro' }, '2026-01-31T12:00:00Z'),
    );
    expect(expiryFor(outcome, 'alice')).toEqual(['2026-02-28T12:00:00.000Z']);
    expect(expiryFor(outcome, 'bob')).toEqual(['2026-02-28T12:00:00.000Z']);
  });

  it('a cycle that already ended gives way to a calendar month', () => {
    const outcome = kallyai.given(
      ...referrerOn({ currentPeriodEnd: '2026-01-25T00:00:00Z' }),
      activated('bob', { plan: 'pro' }, '2026-01-30T12:00:00Z'),
    );
    expect(expiryFor(outcome, 'alice')).toEqual(['2026-02-28T12:00:00.000Z']);
  });

  it('the latest event that names a cycle wins: a renewal payment, or a plan change', () => {
    const renewed = kallyai.given(
      ...referrerOn({ currentPeriodEnd: '2026-02-02T09:05:00Z' }),
      paid(
        'alice',
        { invoiceId: 'a-2', amount: 2900, currentPeriodEnd: '2026-03-02T09:05:00Z' },
        '2026-01-25T00:00:00Z',
      ),
      activated('bob', { plan: 'pro' }, '2026-01-30T12:00:00Z'),
    );
    expect(expiryFor(renewed, 'alice')).toEqual(['2026-03-02T09:05:00.000Z']);
    const changed = kallyai.given(
      ...referrerOn({ currentPeriodEnd: '2026-02-02T09:05:00Z' }),
      planChanged(
        'alice',
        { plan: 'power', currentPeriodEnd: '2026-02-10T00:00:00Z' },
        '2026-01-26T00:00:00Z',
      ),
      activated('bob', { plan: 'pro' }, '2026-01-30T12:00:00Z'),
    );
    expect(expiryFor(changed, 'alice')).toEqual(['2026-02-10T00:00:00.000Z']);
  });

  it('a cycle named after the reward was earned does not move its expiry', () => {
    const outcome = kallyai.given(
      ...referrerOn({ currentPeriodEnd: '2026-02-02T09:05:00Z' }),
      activated('bob', { plan: 'pro' }, '2026-01-30T12:00:00Z'),
      paid(
        'alice',
        { invoiceId: 'a-2', amount: 2900, currentPeriodEnd: '2026-03-02T09:05:00Z' },
        '2026-02-02T09:05:00Z',
      ),
    );
    expect(expiryFor(outcome, 'alice')).toEqual(['2026-02-02T09:05:00.000Z']);
  });

  // Ties in time go by arrival order for decisions too (README, rules where the contract is silent).
  it('a cycle on a later line at the activation’s instant comes after the decision', () => {
    const at = '2026-01-30T12:00:00Z';
    const outcome = kallyai.given(
      ...referrerOn({}),
      activated('bob', { plan: 'pro' }, at),
      paid('bob', { invoiceId: 'b-1', amount: 2900, currentPeriodEnd: '2026-02-15T00:00:00Z' }, at),
    );
    expect(expiryFor(outcome, 'bob')).toEqual(['2026-02-28T12:00:00.000Z']);
  });
});
