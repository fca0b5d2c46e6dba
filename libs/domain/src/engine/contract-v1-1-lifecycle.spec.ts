import {
  activated,
  codeAssigned,
  paid,
  refunded,
  signedUp,
  updated,
} from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';

/** CONTRACT §2 as v1.1 pins it, for every program alike. */

const callrail = engineScenario('callrail');
const kallyai = engineScenario('kallyai');
const t = (day: number, hour = 10) =>
  `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

describe('what a successful payment is', () => {
  const referred = [
    signedUp('alice', {}, t(1)),
    signedUp('bob', { referrerAccountId: 'alice' }, t(2)),
    activated('bob', { plan: 'pro' }, t(2, 11)),
  ];

  it('a zero-amount invoice is no payment', () => {
    callrail
      .given(...referred, paid('bob', { invoiceId: 'i0', amount: 0 }, t(3)))
      .thenReferral('bob', { successfulPayments: 0, invoicesRemaining: 4 });
  });

  it('a partial refund leaves the invoice counting', () => {
    callrail
      .given(
        ...referred,
        paid('bob', { invoiceId: 'i1', amount: 4500 }, t(3)),
        refunded('bob', { invoiceId: 'i1', amount: 4499 }, t(4)),
      )
      .thenReferral('bob', { successfulPayments: 1 });
  });

  it('refunds of one invoice add up: two halves refund it in full', () => {
    callrail
      .given(
        ...referred,
        paid('bob', { invoiceId: 'i1', amount: 4500 }, t(3)),
        refunded('bob', { invoiceId: 'i1', amount: 2000 }, t(4)),
        refunded('bob', { invoiceId: 'i1', amount: 2500 }, t(5)),
      )
      .thenReferral('bob', { successfulPayments: 0, invoicesRemaining: 4 });
  });

  it('refunds add up by amount whatever currency they name (README: the engine converts nothing)', () => {
    callrail
      .given(
        ...referred,
        paid('bob', { invoiceId: 'i1', amount: 4500 }, t(3)),
        refunded('bob', { invoiceId: 'i1', amount: 4500, currency: 'EUR' }, t(4)),
      )
      .thenReferral('bob', { successfulPayments: 0, invoicesRemaining: 4 });
  });

  it('the same invoice counts once however often its payment is reported', () => {
    callrail
      .given(
        ...referred,
        paid('bob', { invoiceId: 'i1', amount: 4500 }, t(3)),
        paid('bob', { invoiceId: 'i1', amount: 4500 }, t(4)),
      )
      .thenReferral('bob', { successfulPayments: 1 });
  });
});

describe('only the first signup of an account counts', () => {
  it('a later signup with a code creates no referral', () => {
    kallyai
      .given(
        signedUp('alice', {}, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        codeAssigned('alice', 'ALICE-1', t(1, 12)),
        signedUp('bob', {}, t(2)),
        signedUp('bob', { referralCode: 'ALICE-1' }, t(3)),
      )
      .thenNoReferral('bob');
  });

  it('a later signup is ignored whole: its email reveals nothing', () => {
    kallyai
      .given(
        signedUp('alice', { email: 'alice@example.com' }, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        signedUp('bob', { referrerAccountId: 'alice' }, t(2)),
        signedUp('bob', { email: 'ALICE@example.com' }, t(3)),
        activated('bob', { plan: 'pro' }, t(4)),
      )
      .thenReferral('bob', { status: 'rewarded' });
  });

  // README, rules where the contract is silent.
  it.each([
    ['in full Unicode lower case, not only ASCII', 'élan@example.com', 'ÉLAN@example.com'],
    [
      'whichever way an accent is written: one character or a combining mark (NFC)',
      '\u00e9lan@example.com',
      'E\u0301LAN@example.com',
    ],
  ])('emails match %s', (_, referrerEmail, refereeEmail) => {
    kallyai
      .given(
        signedUp('alice', { email: referrerEmail }, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        signedUp('bob', { referrerAccountId: 'alice', email: refereeEmail }, t(2)),
        activated('bob', { plan: 'pro' }, t(4)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' })
      .thenRewards([]);
  });

  it('an account.updated that brings the referrer’s email makes a pending referral ineligible', () => {
    kallyai
      .given(
        signedUp('alice', { email: 'alice@example.com' }, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        signedUp('bob', { referrerAccountId: 'alice' }, t(2)),
        updated('bob', { email: 'Alice@Example.com' }, t(3)),
        activated('bob', { plan: 'pro' }, t(4)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' })
      .thenRewards([]);
  });

  it('an account.updated of the referrer that brings the referee’s organization does too', () => {
    kallyai
      .given(
        signedUp('alice', {}, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        signedUp('bob', { referrerAccountId: 'alice', organizationId: 'org-9' }, t(2)),
        updated('alice', { organizationId: 'org-9' }, t(3)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });
});

describe('codes at signup', () => {
  const alice = [
    signedUp('alice', {}, t(1)),
    activated('alice', { plan: 'pro' }, t(1, 11)),
    codeAssigned('alice', 'ALICE-1', t(1, 12)),
  ];

  it('are matched case-insensitively', () => {
    kallyai
      .given(...alice, signedUp('bob', { referralCode: 'alice-1' }, t(2)))
      .thenReferral('bob', { referrerAccountId: 'alice', status: 'pending' });
  });

  it('fold ASCII letters only, so no Unicode case mapping turns one code into another', () => {
    kallyai
      .given(
        signedUp('alice', {}, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        codeAssigned('alice', 'STRASSE', t(1, 12)),
        signedUp('bob', { referralCode: 'straße' }, t(2)),
      )
      .thenNoReferral('bob');
  });

  it('an account’s own code attributes nothing', () => {
    kallyai
      .given(...alice, signedUp('alice', { referralCode: 'ALICE-1' }, t(2)))
      .thenNoReferral('alice');
    kallyai
      .given(
        codeAssigned('carol', 'CAROL-1', t(1)),
        signedUp('carol', { referralCode: 'CAROL-1' }, t(2)),
      )
      .thenNoReferral('carol');
  });
});

describe('a referee that subscribed before it signed up', () => {
  it('earns no activation reward, then or at a later activation', () => {
    kallyai
      .given(
        signedUp('alice', {}, t(1)),
        activated('alice', { plan: 'pro' }, t(1, 11)),
        activated('bob', { plan: 'pro' }, t(2)),
        signedUp('bob', { referrerAccountId: 'alice' }, t(3)),
        activated('bob', { plan: 'power' }, t(4)),
      )
      .thenReferral('bob', { status: 'pending' })
      .thenRewards([]);
  });
});

describe('a referrer that signs up after its referee', () => {
  const smithai = engineScenario('smithai');

  it('reveals a self-referral by its first signup’s organization, and no cash is paid', () => {
    smithai
      .given(
        signedUp('e', { referrerAccountId: 'r', organizationId: 'o' }, t(2)),
        activated('e', { plan: 'p', product: 'voice_assistant' }, t(2, 11)),
        paid('e', { invoiceId: 'i1', amount: 100 }, t(5)),
        signedUp('r', { organizationId: 'o' }, t(6)),
      )
      .thenReferral('e', { status: 'ineligible', reason: 'self_referral', successfulPayments: 1 })
      .asOf('2026-06-01T00:00:00Z')
      .thenReferral('e', { status: 'ineligible', reason: 'self_referral' })
      .thenRewards([]);
  });

  it('freezes the count shown at the signup that revealed it', () => {
    callrail
      .given(
        signedUp('e', { referrerAccountId: 'r', email: 'x@example.com' }, t(2)),
        signedUp('r', { email: 'X@example.com' }, t(3)),
        paid('e', { invoiceId: 'i1', amount: 4500 }, t(4)),
      )
      .thenReferral('e', {
        status: 'ineligible',
        reason: 'self_referral',
        successfulPayments: 0,
        invoicesRemaining: undefined,
      });
  });
});

describe('payment methods', () => {
  const referred = [
    signedUp('alice', {}, t(1)),
    signedUp('bob', { referrerAccountId: 'alice' }, t(2)),
  ];

  it('a card both accounts paid with is a self-referral', () => {
    callrail
      .given(
        ...referred,
        paid('alice', { invoiceId: 'a1', amount: 4500, paymentMethodFingerprint: 'fp' }, t(3)),
        paid('bob', { invoiceId: 'b1', amount: 4500, paymentMethodFingerprint: 'fp' }, t(4)),
      )
      .thenReferral('bob', { status: 'ineligible', reason: 'self_referral' });
  });

  it('a card seen only on a zero-amount invoice was not paid with', () => {
    callrail
      .given(
        ...referred,
        paid('alice', { invoiceId: 'a1', amount: 0, paymentMethodFingerprint: 'fp' }, t(3)),
        paid('bob', { invoiceId: 'b1', amount: 4500, paymentMethodFingerprint: 'fp' }, t(4)),
      )
      .thenReferral('bob', { status: 'pending', successfulPayments: 1 });
  });
});

describe('an invoice paid twice', () => {
  it('keeps the amount of its first payment: refunds of that much refund it in full', () => {
    callrail
      .given(
        signedUp('alice', {}, t(1)),
        signedUp('bob', { referrerAccountId: 'alice' }, t(2)),
        paid('bob', { invoiceId: 'i1', amount: 100 }, t(3)),
        paid('bob', { invoiceId: 'i1', amount: 300 }, t(4)),
        refunded('bob', { invoiceId: 'i1', amount: 100 }, t(5)),
      )
      .thenReferral('bob', { successfulPayments: 0 });
  });
});
