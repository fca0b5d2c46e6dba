import type { ReferralEvent } from './referral.events';
import { evolve, ExistingReferral, initialState } from './referral.state';

/** The payments a decision saw, as the referral's state folds them from its stream. */

const created: ReferralEvent = {
  type: 'ReferralCreated',
  data: {
    referralId: 'callrail:x-corp',
    program: 'callrail',
    referrerAccountId: 'agency-a',
    refereeAccountId: 'x-corp',
    signedUpAt: '2026-02-01T10:00:00.000Z',
    triggerIds: ['four_invoices', 'monthly'],
    sideTriggerIds: ['monthly'],
  },
};
const forfeited = (triggerId: string, count?: number): ReferralEvent => ({
  type: 'ReferralForfeited',
  data: {
    referralId: 'callrail:x-corp',
    triggerId,
    reason: 'referee_not_active',
    at: '2026-05-01T10:10:00.000Z',
    ...(count !== undefined && { refereePaymentsAtDecision: count }),
  },
});
const fold = (...events: ReferralEvent[]) =>
  events.reduce(evolve, initialState()) as ExistingReferral;

describe('the referral state: payments at the decision', () => {
  it('takes them from the event that left pending', () => {
    expect(fold(created).status).toBe('pending'); // the side trigger does not keep it so
    const state = fold(created, forfeited('four_invoices', 3));
    expect(state).toMatchObject({ status: 'forfeited', paymentsAtDecision: 3 });
  });

  it('ignores the field on an event of a referral already decided', () => {
    const state = fold(created, forfeited('four_invoices', 3), forfeited('monthly', 7));
    expect(state.triggers.monthly).toMatchObject({ status: 'forfeited' });
    expect(state.paymentsAtDecision).toBe(3);
  });

  it('reads a decision stored without the field (older events): no count, the reader falls back', () => {
    const state = fold(created, forfeited('four_invoices'));
    expect(state.status).toBe('forfeited');
    expect(state.decidedAt).toBe('2026-05-01T10:10:00.000Z');
    expect('paymentsAtDecision' in state).toBe(false);
  });
});
