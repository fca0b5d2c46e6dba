import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  activated,
  cancelled,
  Fact,
  paid,
  paymentFailed,
  refunded,
  signedUp,
  withId,
} from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';
import { parseProgram } from './parse-program';
import type { Program } from './program.schema';
import { ProgramRegistry } from './program-registry';

/** examples/programs/smithai-legacy.json: a credit for the referrer on every payment of a client. */

const file = join(__dirname, '..', '..', '..', '..', 'examples', 'programs', 'smithai-legacy.json');
const parsed = parseProgram(JSON.parse(readFileSync(file, 'utf8')));
const legacyProgram = (parsed.ok ? parsed.value : undefined) as Program;
const legacy = engineScenario('smithai-legacy', ProgramRegistry.withBuiltins([legacyProgram]));

const vr = { plan: 'vr-50', product: 'virtual_receptionist' };
const bill = (n: number, amount = 29200) =>
  paid('r1', { invoiceId: `inv-${n}`, amount }, `2026-0${n + 1}-12T09:35:00Z`);
const client: Fact[] = [
  signedUp('firm', {}, '2025-12-01T15:00:00Z'),
  signedUp('r1', { referrerAccountId: 'firm' }, '2026-01-12T09:00:00Z'),
  activated('r1', vr, '2026-01-12T09:30:00Z'),
];

it('the file is a valid program', () => expect(parsed.ok).toBe(true));

describe('while the referee stays a client', () => {
  it('nothing is earned before its first payment', () => {
    legacy
      .given(...client)
      .thenReferral('r1', { status: 'pending', rewards: [] })
      .thenRewards([]);
  });

  it('each successful payment earns the referrer 10 % of it as account credit', () => {
    const outcome = legacy.given(...client, bill(1), bill(2), bill(3, 30001));
    outcome.thenRewards([
      {
        role: 'referrer',
        beneficiaryAccountId: 'firm',
        kind: 'account_credit',
        amount: 2920,
        unit: 'USD',
        earnedAt: '2026-02-12T09:35:00.000Z',
      },
      { role: 'referrer', amount: 2920, earnedAt: '2026-03-12T09:35:00.000Z' },
      { role: 'referrer', amount: 3000, earnedAt: '2026-04-12T09:35:00.000Z' }, // 3000.1 rounds to 3000
    ]);
    expect(new Set(outcome.referral('r1')?.rewards).size).toBe(3);
  });

  it('a duplicate delivery of the same invoice earns nothing more', () => {
    const outcome = legacy.given(
      ...client,
      bill(1),
      withId('evt-4', bill(1)), // the same upstream event again
      withId('redelivered', bill(1)), // the same invoice under a new upstream id
      bill(2),
    );
    expect(outcome.rewards()).toHaveLength(2);
  });

  it('a failed payment earns nothing', () => {
    const outcome = legacy.given(
      ...client,
      paymentFailed('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-02-12T09:35:00Z'),
    );
    expect(outcome.rewards()).toEqual([]);
  });

  it('a refunded invoice paid again earns nothing more', () => {
    const outcome = legacy.given(
      ...client,
      bill(1),
      refunded('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-02-13T00:00:00Z'),
      paid('r1', { invoiceId: 'inv-1', amount: 29200 }, '2026-02-14T00:00:00Z'),
    );
    expect(outcome.rewards()).toHaveLength(1);
  });
});

describe('when the referee cancels', () => {
  it('the credits earned stay and no later payment earns more, even after a re-activation', () => {
    const outcome = legacy.given(
      ...client,
      bill(1),
      bill(2),
      cancelled('r1', '2026-03-20T00:00:00Z'),
      bill(3),
      activated('r1', vr, '2026-05-01T00:00:00Z'),
      bill(4),
    );
    expect(outcome.rewards().map((r) => r.earnedAt)).toEqual([
      '2026-02-12T09:35:00.000Z',
      '2026-03-12T09:35:00.000Z',
    ]);
    outcome.thenReferral('r1', { status: 'rewarded' });
  });

  it('a client who leaves before paying anything forfeits the referral', () => {
    legacy
      .given(...client, cancelled('r1', '2026-01-20T00:00:00Z'), bill(1))
      .thenReferral('r1', { status: 'forfeited', reason: 'referee_not_active' })
      .thenRewards([]);
  });
});

describe('when the referrer is a partner', () => {
  it('the referral is ineligible and earns no credit', () => {
    legacy
      .given(
        signedUp('firm', { partner: true }, '2025-12-01T15:00:00Z'),
        ...client.slice(1),
        bill(1),
      )
      .thenReferral('r1', { status: 'ineligible', reason: 'referrer_is_partner' })
      .thenRewards([]);
  });
});
