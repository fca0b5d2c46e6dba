import { activated, codeAssigned, inProgram, signedUp } from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';

/** CONTRACT §2, first bullet: when a signup creates a referral, and to whom. */

// callrail has no referrer precondition, so only attribution decides here.
const callrail = engineScenario('callrail');
const alice = [
  signedUp('alice', {}, '2026-01-01T09:00:00Z'),
  codeAssigned('alice', 'ALICE-1', '2026-01-01T10:00:00Z'),
];

describe('when an account signs up with a referrerAccountId', () => {
  it('opens a pending referral to that referrer', () => {
    callrail
      .given(
        signedUp('alice', {}, '2026-01-01T09:00:00Z'),
        signedUp('bob', { referrerAccountId: 'alice' }, '2026-01-10T12:00:00Z'),
      )
      .thenReferral('bob', {
        referrerAccountId: 'alice',
        refereeAccountId: 'bob',
        status: 'pending',
        signedUpAt: '2026-01-10T12:00:00.000Z',
      });
  });

  it('credits that referrer even when the signup also carries another account’s code', () => {
    const outcome = callrail.given(
      ...alice,
      signedUp('carol', {}, '2026-01-02T09:00:00Z'),
      codeAssigned('carol', 'CAROL-1', '2026-01-02T10:00:00Z'),
      signedUp(
        'bob',
        { referrerAccountId: 'carol', referralCode: 'ALICE-1' },
        '2026-01-10T12:00:00Z',
      ),
    );
    expect(outcome.referral('bob')?.referrerAccountId).toBe('carol');
    expect(outcome.referrals()).toHaveLength(1);
  });
});

describe('when an account signs up with a referral code', () => {
  it('credits the account that holds the code at that moment', () => {
    callrail
      .given(...alice, signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'))
      .thenReferral('bob', { referrerAccountId: 'alice', status: 'pending' });
  });

  it('finds the code however the referee typed its case', () => {
    callrail
      .given(...alice, signedUp('bob', { referralCode: 'alice-1' }, '2026-01-10T12:00:00Z'))
      .thenReferral('bob', { referrerAccountId: 'alice' });
  });

  it('attributes nothing to a code nobody holds', () => {
    const outcome = callrail.given(
      ...alice,
      signedUp('bob', { referralCode: 'NOBODY-HAS-IT' }, '2026-01-10T12:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });

  it('attributes nothing to a code assigned only after the signup', () => {
    const outcome = callrail.given(
      signedUp('alice', {}, '2026-01-01T09:00:00Z'),
      signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
      codeAssigned('alice', 'ALICE-1', '2026-01-11T00:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });

  it('never crosses programs: a kallyai code means nothing in callrail', () => {
    const outcome = callrail.given(
      inProgram('kallyai', signedUp('alice', {}, '2026-01-01T09:00:00Z')),
      inProgram('kallyai', codeAssigned('alice', 'ALICE-1', '2026-01-01T10:00:00Z')),
      signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });

  it('does not refer an account to itself through its own code', () => {
    const outcome = callrail.given(
      codeAssigned('bob', 'BOB-1', '2026-01-01T10:00:00Z'),
      signedUp('bob', { referralCode: 'BOB-1' }, '2026-01-10T12:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });
});

describe('when the referrer replaces its code', () => {
  const replaced = [...alice, codeAssigned('alice', 'ALICE-2', '2026-01-05T00:00:00Z')];

  it('the old code stops attributing new signups', () => {
    const outcome = callrail.given(
      ...replaced,
      signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });

  it('the new code attributes them', () => {
    callrail
      .given(...replaced, signedUp('bob', { referralCode: 'ALICE-2' }, '2026-01-10T12:00:00Z'))
      .thenReferral('bob', { referrerAccountId: 'alice' });
  });

  it('a referral made with the old code before the change stands', () => {
    callrail
      .given(
        ...alice,
        signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-03T12:00:00Z'),
        codeAssigned('alice', 'ALICE-2', '2026-01-05T00:00:00Z'),
      )
      .thenReferral('bob', { referrerAccountId: 'alice', status: 'pending' });
  });
});

describe('when an account that already signed up signs up again', () => {
  it('a later signup with a code creates no referral (existing accounts cannot use a code)', () => {
    const outcome = callrail.given(
      ...alice,
      signedUp('bob', {}, '2026-01-02T12:00:00Z'),
      activated('bob', { plan: 'pro' }, '2026-01-02T12:30:00Z'),
      signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
    );
    expect(outcome.referrals()).toEqual([]);
  });

  it('a later signup naming another referrer keeps the first attribution', () => {
    callrail
      .given(
        ...alice,
        signedUp('carol', {}, '2026-01-02T09:00:00Z'),
        signedUp('bob', { referralCode: 'ALICE-1' }, '2026-01-10T12:00:00Z'),
        signedUp('bob', { referrerAccountId: 'carol' }, '2026-01-11T12:00:00Z'),
      )
      .thenReferral('bob', { referrerAccountId: 'alice', signedUpAt: '2026-01-10T12:00:00.000Z' });
  });
});
