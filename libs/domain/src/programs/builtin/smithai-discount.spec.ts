import {
  activated,
  cancelled,
  Fact,
  planChanged,
  signedUp,
  updated,
} from '../../testing/billing-facts';
import { engineScenario } from '../../testing/engine-scenario';

/** CONTRACT §3 smithai: partners cannot refer; the referee's first-month discount. */

const smithai = engineScenario('smithai');
const vr = (plan = 'vr-50') => ({ plan, product: 'virtual_receptionist' });
const va = { plan: 'va-basic', product: 'voice_assistant' };
const firm = (details: { partner?: boolean } = {}): Fact[] => [
  signedUp('firm', details, '2025-12-01T15:00:00Z'),
  activated('firm', vr('vr-200'), '2025-12-01T15:05:00Z'),
];
const r1SignsUp = signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-12T09:00:00Z');

describe('when the referrer is a partner at the referee’s signup', () => {
  it('the referral is ineligible and earns not even the discount', () => {
    smithai
      .given(...firm({ partner: true }), r1SignsUp, activated('r1', vr(), '2026-01-12T09:30:00Z'))
      .thenReferral('r1', { status: 'ineligible', reason: 'referrer_is_partner' })
      .thenRewards([]);
  });

  it('a referrer who stopped being a partner before the signup may refer', () => {
    smithai
      .given(
        ...firm({ partner: true }),
        updated('firm', { partner: false }, '2026-01-01T00:00:00Z'),
        r1SignsUp,
      )
      .thenReferral('r1', { status: 'pending' });
  });

  it('becoming a partner after the signup does not undo the referral', () => {
    smithai
      .given(
        ...firm(),
        r1SignsUp,
        updated('firm', { partner: true }, '2026-01-13T00:00:00Z'),
        activated('r1', vr(), '2026-01-14T09:30:00Z'),
      )
      .thenReferral('r1', { status: 'pending' })
      .thenRewards([{ role: 'referee', kind: 'discount' }]);
  });
});

describe('when the referee’s first subscription is virtual_receptionist', () => {
  it('the referee earns a 10000 USD discount that expires a calendar month later', () => {
    smithai.given(...firm(), r1SignsUp, activated('r1', vr(), '2026-01-12T09:30:00Z')).thenRewards([
      {
        role: 'referee',
        beneficiaryAccountId: 'r1',
        referrerAccountId: 'firm',
        kind: 'discount',
        amount: 10000,
        unit: 'USD',
        earnedAt: '2026-01-12T09:30:00.000Z',
        expiresAt: '2026-02-12T09:30:00.000Z',
        dueBy: undefined,
      },
    ]);
  });

  it('a discount earned on Jan 31 expires on Feb 28', () => {
    const outcome = smithai.given(
      ...firm(),
      r1SignsUp,
      activated('r1', vr(), '2026-01-31T10:00:00Z'),
    );
    expect(outcome.rewards().map((r) => r.expiresAt)).toEqual(['2026-02-28T10:00:00.000Z']);
  });

  it('the referral stays pending for the cash check', () => {
    smithai
      .given(...firm(), r1SignsUp, activated('r1', vr(), '2026-01-12T09:30:00Z'))
      .thenReferral('r1', { status: 'pending', product: 'virtual_receptionist' });
  });

  it('a cancel and a second activation earn no second discount', () => {
    const outcome = smithai.given(
      ...firm(),
      r1SignsUp,
      activated('r1', vr(), '2026-01-12T09:30:00Z'),
      cancelled('r1', '2026-01-20T00:00:00Z'),
      activated('r1', vr('vr-100'), '2026-02-01T00:00:00Z'),
    );
    expect(outcome.rewards()).toHaveLength(1);
  });
});

describe('when the referee’s first subscription is another product', () => {
  it.each([
    ['voice_assistant', va],
    ['chat', { plan: 'chat-basic', product: 'chat' }],
    ['outreach', { plan: 'campaign', product: 'outreach' }],
  ])('%s earns no discount', (_, choice) => {
    smithai
      .given(...firm(), r1SignsUp, activated('r1', choice, '2026-01-12T09:30:00Z'))
      .thenReferral('r1', { status: 'pending' })
      .thenRewards([]);
  });

  it('a later switch to virtual_receptionist earns no discount either (first-time clients only)', () => {
    smithai
      .given(
        ...firm(),
        r1SignsUp,
        activated('r1', va, '2026-01-12T09:30:00Z'),
        planChanged('r1', vr(), '2026-01-20T00:00:00Z'),
      )
      .thenRewards([]);
  });

  it('nor does a re-activation on virtual_receptionist after a cancel', () => {
    smithai
      .given(
        ...firm(),
        r1SignsUp,
        activated('r1', va, '2026-01-12T09:30:00Z'),
        cancelled('r1', '2026-01-20T00:00:00Z'),
        activated('r1', vr(), '2026-02-01T00:00:00Z'),
      )
      .thenRewards([]);
  });
});
