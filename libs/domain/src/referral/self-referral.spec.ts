import { activated, paid, signedUp, updated } from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';

/** CONTRACT §2, self-referral: the referral is `ineligible`, reason `self_referral`. */

const callrail = engineScenario('callrail');
const kallyai = engineScenario('kallyai');

const aliceSubscribed = [
  signedUp(
    'alice',
    { email: 'Alice@Example.com', organizationId: 'org-a' },
    '2026-01-01T09:00:00Z',
  ),
  activated('alice', { plan: 'pro' }, '2026-01-01T09:05:00Z'),
];
const invoice = (n: number, fingerprint?: string) => ({
  invoiceId: `inv-${n}`,
  amount: 4500,
  ...(fingerprint && { paymentMethodFingerprint: fingerprint }),
});
const month = (n: number) => `2026-0${n}-15T10:00:00Z`;

describe('when the referee signs up as its own referrer', () => {
  it('the referral is ineligible as a self-referral', () => {
    callrail
      .given(signedUp('alice', { referrerAccountId: 'alice' }, '2026-01-10T12:00:00Z'))
      .thenReferral('alice', { status: 'ineligible', reason: 'self_referral' });
  });
});

describe('when the referee shares something with the referrer at signup', () => {
  it.each([
    ['the same organizationId', { organizationId: 'org-a' }],
    ['the same email', { email: 'Alice@Example.com' }],
    ['the same email in another case', { email: 'alice@EXAMPLE.COM' }],
  ])('%s makes the referral ineligible', (_, details) => {
    callrail
      .given(
        ...aliceSubscribed,
        signedUp('bob', { referrerAccountId: 'alice', ...details }, '2026-01-10T12:00:00Z'),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });

  it('another organization and email keep it pending', () => {
    callrail
      .given(
        ...aliceSubscribed,
        signedUp(
          'bob',
          { referrerAccountId: 'alice', organizationId: 'org-b', email: 'bob@example.com' },
          '2026-01-10T12:00:00Z',
        ),
      )
      .thenReferral('bob', { status: 'pending', reason: undefined });
  });

  it('an ineligible referral earns nothing when its trigger comes', () => {
    kallyai
      .given(
        ...aliceSubscribed,
        signedUp('bob', { referrerAccountId: 'alice', email: 'alice@example.com' }, month(1)),
        activated('bob', { plan: 'power' }, month(2)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral', rewards: [] })
      .thenRewards([]);
  });
});

describe('when a later payment reveals a shared payment method', () => {
  const bobReferred = [
    ...aliceSubscribed,
    paid('alice', invoice(100, 'fp-alice'), '2026-01-02T00:00:00Z'),
    signedUp('bob', { referrerAccountId: 'alice' }, '2026-01-10T12:00:00Z'),
    activated('bob', { plan: 'starter' }, '2026-01-10T12:05:00Z'),
  ];

  it('a payment of the referee with the referrer’s card makes a pending referral ineligible', () => {
    callrail
      .given(...bobReferred, paid('bob', invoice(1, 'fp-alice'), month(2)))
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });

  it('a payment of the referrer with the referee’s card does so too', () => {
    callrail
      .given(
        ...bobReferred,
        paid('bob', invoice(1, 'fp-bob'), month(2)),
        paid('alice', invoice(101, 'fp-bob'), month(3)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });

  it('the payment that would have been the fourth earns nothing when it reveals the match', () => {
    callrail
      .given(
        ...bobReferred,
        ...[1, 2, 3].map((n) => paid('bob', invoice(n, 'fp-bob'), month(n + 1))),
        paid('bob', invoice(4, 'fp-alice'), month(5)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral', rewards: [] })
      .thenRewards([]);
  });

  it('a referral already rewarded stays rewarded and keeps its rewards', () => {
    const outcome = callrail.given(
      ...bobReferred,
      ...[1, 2, 3, 4].map((n) => paid('bob', invoice(n, 'fp-bob'), month(n + 1))),
      paid('bob', invoice(5, 'fp-alice'), month(6)),
    );
    outcome.thenReferral('bob', { status: 'rewarded', reason: undefined });
    expect(outcome.rewardsOf('bob')).toHaveLength(2);
  });

  it('a kallyai referral rewarded at activation stays rewarded', () => {
    const outcome = kallyai.given(...bobReferred, paid('bob', invoice(1, 'fp-alice'), month(2)));
    outcome.thenReferral('bob', { status: 'rewarded' });
    expect(outcome.rewardsOf('bob').map((r) => r.amount)).toEqual([22, 22]);
  });
});

describe('when a later profile update reveals a shared organization', () => {
  it('a pending referral becomes ineligible', () => {
    callrail
      .given(
        ...aliceSubscribed,
        signedUp('bob', { referrerAccountId: 'alice' }, '2026-01-10T12:00:00Z'),
        updated('bob', { organizationId: 'org-a' }, month(2)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });
});
