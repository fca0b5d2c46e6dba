import { ProgramRegistry, ReferralView, RewardView } from '@referrals/domain';
import { PublicUrls } from '@referrals/runtime';
import { html } from './html';
import { landingPage, refereeOffers, signupLink } from './landing.page';
import { PortalTokens } from './portal-token';
import { portalModel } from './portal-view';
import { portalPage } from './portal.page';
import { rewardsChart } from './rewards-chart';

const programs = ProgramRegistry.withBuiltins();
const program = (id: string) => {
  const found = programs.get(id);
  if (!found) throw new Error(`no program ${id}`);
  return found;
};

const referral = (over: Partial<ReferralView>): ReferralView => ({
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: 'x-corp',
  status: 'pending',
  signedUpAt: '2026-04-01T10:00:00.000Z',
  successfulPayments: 0,
  rewards: [],
  ...over,
});

const reward = (over: Partial<RewardView>): RewardView => ({
  rewardId: 'r-1',
  program: 'callrail',
  referrerAccountId: 'agency-a',
  refereeAccountId: 'y-corp',
  beneficiaryAccountId: 'agency-a',
  role: 'referrer',
  kind: 'account_credit',
  amount: 15000,
  unit: 'USD',
  status: 'paid',
  earnedAt: '2026-05-03T10:00:00.000Z',
  ...over,
});

describe('portal tokens', () => {
  const tokens = new PortalTokens('a-secret-of-at-least-thirty-two-chars');
  const grant = { program: 'callrail', accountId: 'agency-a', expiresAt: 2_000 };

  it('open the page they were signed for until they expire', () => {
    const token = tokens.sign(grant);
    expect(tokens.verify(token, 1_999)).toEqual({ ok: true, grant });
    expect(tokens.verify(token, 2_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse a changed payload, another secret, and garbage', () => {
    const [version, , signature] = tokens.sign(grant).split('.');
    const other = Buffer.from(JSON.stringify({ p: 'callrail', a: 'x-corp', e: 2_000 })).toString(
      'base64url',
    );
    expect(tokens.verify(`${version}.${other}.${signature}`, 0)).toMatchObject({
      reason: 'bad_signature',
    });
    const elsewhere = new PortalTokens('another-secret-of-thirty-two-chars!!');
    expect(elsewhere.verify(tokens.sign(grant), 0)).toMatchObject({ reason: 'bad_signature' });
    for (const bad of ['', 'v1', 'v2.a.b', 'v1.a.b.c', 'v1..'])
      expect(tokens.verify(bad, 0)).toMatchObject({ ok: false });
  });
});

describe('html', () => {
  it('escapes every value that is not markup it built', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
    expect(
      html`<ul>
        ${['a', html`<li>b</li>`]}
      </ul>`.text.replace(/\s+/g, ''),
    ).toBe('<ul>a<li>b</li></ul>');
  });

  it('keeps an account id from upstream inert on the portal page', () => {
    const page = portalPage(
      portalModel({
        program: program('callrail'),
        accountId: '<img src=x onerror=alert(1)>',
        referrals: [referral({ refereeAccountId: '"><script>x()</script>' })],
        rewards: [],
        balances: [],
      }),
    );
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>x()');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe("the portal's columns follow the program's rules", () => {
  it('CallRail: invoices remaining, the amount expected by plan, then the credit paid', () => {
    const model = portalModel({
      program: program('callrail'),
      accountId: 'agency-a',
      referrals: [
        referral({ plan: 'starter', successfulPayments: 2, invoicesRemaining: 2 }),
        referral({
          refereeAccountId: 'y-corp',
          plan: 'pro',
          invoicesRemaining: 0,
          status: 'rewarded',
        }),
      ],
      rewards: [reward({})],
      balances: [],
    });
    expect(model.columns.map((c) => c.key)).toEqual([
      'account',
      'plan',
      'signedUp',
      'invoicesRemaining',
      'amount',
      'status',
    ]);
    expect(model.rows[0].cells).toMatchObject({
      invoicesRemaining: '2',
      amount: '$50.00 expected',
      status: 'Pending',
    });
    expect(model.rows[1].cells).toMatchObject({ amount: '$150.00', status: 'Paid' });
  });

  it('KallyAI: when the minutes expire', () => {
    const model = portalModel({
      program: program('kallyai'),
      accountId: 'alice',
      referrals: [referral({ program: 'kallyai', refereeAccountId: 'bob', plan: 'pro' })],
      rewards: [
        reward({
          program: 'kallyai',
          refereeAccountId: 'bob',
          kind: 'bonus_minutes',
          unit: 'minutes',
          amount: 90,
          expiresAt: '2026-07-01T10:00:00.000Z',
        }),
      ],
      balances: [],
    });
    expect(model.columns.map((c) => c.key)).toContain('expires');
    expect(model.columns.map((c) => c.key)).not.toContain('invoicesRemaining');
    expect(model.rows[0].cells).toMatchObject({ expires: '2026-07-01', amount: '90 min' });
  });

  it('Smith.ai: the cash check date and the amount at stake by product', () => {
    const model = portalModel({
      program: program('smithai'),
      accountId: 'firm',
      referrals: [
        referral({
          program: 'smithai',
          refereeAccountId: 'r2',
          product: 'voice_assistant',
          plan: 'va-basic',
          nextCheckAt: '2026-07-01T00:00:00.000Z',
        }),
      ],
      rewards: [],
      balances: [],
    });
    expect(model.rows[0].cells).toMatchObject({
      checkDate: '2026-07-01',
      amount: '$200.00 at stake',
      plan: 'voice assistant / va-basic',
    });
  });
});

describe('the rewards chart', () => {
  it('draws one bar per month from the first reward to the last, with the total in words', () => {
    const svg = rewardsChart([
      reward({ earnedAt: '2026-01-20T00:00:00Z', amount: 15000 }),
      reward({ earnedAt: '2026-03-03T00:00:00Z', amount: 5000 }),
      reward({ earnedAt: '2026-03-09T00:00:00Z', amount: 5000, status: 'voided' }),
    ]).text;
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg).toContain('2026-02 $0.00');
    expect(svg).toContain('total $200.00');
  });

  it('says so when there is nothing to draw', () => {
    expect(rewardsChart([]).text).toContain('No rewards yet.');
  });
});

describe("the referee's landing page", () => {
  it("says what each program's referee gets", () => {
    expect(refereeOffers(program('kallyai'))).toEqual([
      "25% of your plan's minutes as bonus minutes for one month when you subscribe",
    ]);
    expect(refereeOffers(program('smithai'))).toEqual([
      '$100.00 off your first month of virtual receptionist',
    ]);
  });

  it('keeps the sign-up URL and adds the code', () => {
    expect(signupLink('https://x.example/join?utm=a', 'CR 1&2')).toBe(
      'https://x.example/join?utm=a&referralCode=CR+1%262',
    );
    expect(landingPage(program('callrail'), 'CR-1')).not.toContain('data-testid="signup"');
  });
});

describe('public URLs', () => {
  const config = { HOST: '127.0.0.1', PORT: 3000 };

  it('follow the address the server listens on, unless configured', () => {
    const urls = new PublicUrls(config);
    expect(urls.shareLinkBase()).toBe('http://127.0.0.1:3000/r');
    urls.listeningAt('http://[::1]:41234/');
    expect(urls.base()).toBe('http://localhost:41234');
    expect(urls.shareLinkBase()).toBe('http://localhost:41234/r');
    const behindProxy = new PublicUrls({ ...config, PUBLIC_URL: 'https://refer.example/' });
    behindProxy.listeningAt('http://127.0.0.1:3000');
    expect(behindProxy.shareLinkBase()).toBe('https://refer.example/r');
    const shareOnly = new PublicUrls({ ...config, SHARE_LINK_BASE_URL: 'https://go.example/i' });
    expect(shareOnly.shareLinkBase()).toBe('https://go.example/i');
  });
});
