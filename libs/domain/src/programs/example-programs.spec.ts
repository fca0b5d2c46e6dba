import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activated, Fact, paid, signedUp } from '../testing/billing-facts';
import { engineScenario } from '../testing/engine-scenario';
import { parseProgram } from './parse-program';
import type { Program } from './program.schema';
import { ProgramRegistry } from './program-registry';

/** The program files in examples/programs: rule sets as data, run through the same engine. */

const FOLDER = join(__dirname, '..', '..', '..', '..', 'examples', 'programs');
const exampleProgram = (file: string): Program => {
  const parsed = parseProgram(JSON.parse(readFileSync(join(FOLDER, file), 'utf8')));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
};

describe('every example program file', () => {
  it.each(readdirSync(FOLDER).filter((f) => f.endsWith('.json')))(
    '%s is a valid program',
    (file) => {
      expect(parseProgram(JSON.parse(readFileSync(join(FOLDER, file), 'utf8')))).toMatchObject({
        ok: true,
      });
    },
  );

  it('a broken file is rejected with the field and the rule', () => {
    const broken = { ...exampleProgram('callrail-capped.json'), currency: 'usd', extra: 1 };
    const parsed = parseProgram(broken);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problems).toEqual(
        expect.arrayContaining([
          { path: 'extra', rule: 'unknown key' },
          expect.objectContaining({ path: 'currency' }),
        ]),
      );
    }
  });

  it('a plan or a product named twice is refused', () => {
    const program = structuredClone(exampleProgram('callrail-three-invoices.json'));
    const plans = program.plans as { id: string }[];
    plans.push({ ...plans[0] });
    expect(parseProgram(program)).toEqual({
      ok: false,
      problems: [{ path: 'plans', rule: 'plan ids must be unique' }],
    });
  });

  it('a reward lasting past any date is refused when read, not when a replay computes it', () => {
    const program = structuredClone(exampleProgram('callrail-three-invoices.json'));
    (program.triggers[0].rewards[0] as { expiresAfterMonths?: number }).expiresAfterMonths = 1e9;
    expect(parseProgram(program)).toEqual({
      ok: false,
      problems: [
        {
          path: 'triggers[0].rewards[0].expiresAfterMonths',
          rule: expect.stringContaining('1200'),
        },
      ],
    });
  });
});

const day = (month: number, d: number) =>
  `2026-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00Z`;
const payments = (account: string, count: number): Fact[] =>
  Array.from({ length: count }, (_, i) =>
    paid(account, { invoiceId: `${account}-${i + 1}`, amount: 4500 }, day(i + 2, 1)),
  );

describe('when a referrer reaches the cap of callrail-capped', () => {
  const capped = engineScenario(
    'callrail-capped',
    ProgramRegistry.withBuiltins([exampleProgram('callrail-capped.json')]),
  );
  const refer = (referee: string, referrer: string, d: number, details = {}) =>
    signedUp(referee, { referrerAccountId: referrer, ...details }, day(1, d));
  const referrers = [
    signedUp('alice', { organizationId: 'org-a' }, day(1, 1)),
    signedUp('zoe', {}, day(1, 1)),
  ];

  it('the referrals after the third are ineligible with referrer_cap_reached', () => {
    const outcome = capped.given(
      ...referrers,
      ...['r1', 'r2', 'r3', 'r4', 'r5'].map((r, i) => refer(r, 'alice', i + 2)),
    );
    expect(outcome.referrals().map((r) => [r.refereeAccountId, r.status, r.reason])).toEqual([
      ['r1', 'pending', undefined],
      ['r2', 'pending', undefined],
      ['r3', 'pending', undefined],
      ['r4', 'ineligible', 'referrer_cap_reached'],
      ['r5', 'ineligible', 'referrer_cap_reached'],
    ]);
  });

  it('a capped referral earns nothing when its referee pays four times', () => {
    capped
      .given(
        ...referrers,
        ...['r1', 'r2', 'r3', 'r4'].map((r, i) => refer(r, 'alice', i + 2)),
        activated('r4', { plan: 'pro' }, day(1, 20)),
        ...payments('r4', 4),
      )
      .thenReferral('r4', { status: 'ineligible', reason: 'referrer_cap_reached', rewards: [] })
      .thenRewards([]);
  });

  it('the cap is per referrer, and an ineligible self-referral does not use it up', () => {
    const outcome = capped.given(
      ...referrers,
      refer('twin', 'alice', 2, { organizationId: 'org-a' }),
      ...['r1', 'r2', 'r3'].map((r, i) => refer(r, 'alice', i + 3)),
      ...['z1', 'z2', 'z3'].map((r, i) => refer(r, 'zoe', i + 10)),
    );
    expect(outcome.referral('twin')).toMatchObject({
      status: 'ineligible',
      reason: 'self_referral',
    });
    for (const r of ['r1', 'r2', 'r3', 'z1', 'z2', 'z3'])
      expect(outcome.referral(r)?.status).toBe('pending');
  });
});

describe('when CallRail is replayed under the three-invoice what-if', () => {
  const history = [
    signedUp('alice', {}, day(1, 1)),
    signedUp('bob', { referrerAccountId: 'alice' }, day(1, 2)),
    activated('bob', { plan: 'starter' }, day(1, 3)),
  ];
  const whatIf = engineScenario(
    'callrail',
    ProgramRegistry.withBuiltins([exampleProgram('callrail-three-invoices.json')]),
  );

  it('two payments leave one invoice to go', () => {
    whatIf
      .given(...history, ...payments('bob', 2))
      .thenReferral('bob', { status: 'pending', invoicesRemaining: 1 });
  });

  it('the third payment earns both credits, where the built-in program still waits', () => {
    const facts = [...history, ...payments('bob', 3)];
    whatIf
      .given(...facts)
      .thenReferral('bob', { status: 'rewarded', invoicesRemaining: 0 })
      .thenRewards([
        { role: 'referrer', amount: 5000, earnedAt: '2026-04-01T10:00:00.000Z' },
        { role: 'referee', amount: 5000, earnedAt: '2026-04-01T10:00:00.000Z' },
      ]);
    engineScenario('callrail')
      .given(...facts)
      .thenReferral('bob', { status: 'pending', invoicesRemaining: 1 })
      .thenRewards([]);
  });
});
