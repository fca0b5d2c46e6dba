import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import {
  ADMIN_KEY,
  api,
  inTimeOrder,
  KALLYAI_KEY,
  onPostgres,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';
import { PortalTokens } from '../../apps/api/src/portal/portal-token';
import { DATES, portalHistory } from './portal-history';

/**
 * The referrer portal and the referee's landing page in a real browser (the
 * machine's Chromium, driven by playwright-core) against the engine on
 * PostgreSQL and Redis, with a history dated relative to today. Screenshots
 * go to a temporary folder (printed), or to SCREENSHOT_DIR, for CI to keep.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'portal-secret-for-the-browser-tests-0123456789';
const SIGNUP = 'https://signup.callrail.example/start?utm_source=referral';
const shots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'portal-screenshots-'));

// A browser and the engine on a machine that runs the rest of the suite too.
jest.setTimeout(90_000);
let harness: Awaited<ReturnType<typeof startTestEngine>>;
let browser: Browser;

beforeAll(async () => {
  harness = await startTestEngine({
    ...onPostgres(),
    PORTAL_SECRET: SECRET,
    SIGNUP_URLS: JSON.stringify({ callrail: SIGNUP }),
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const posted = await api(harness.engine, 'POST', '/v1/events', inTimeOrder(portalHistory()));
  expect(posted.status).toBe(202);
  await untilIdle(harness.engine);
  // Paid rewards and the fired cash check show up once the worker has paid them.
  await until(async () => {
    const [callrail, kallyai, smithai] = await Promise.all([
      rewardsOf('callrail', 'agency-a'),
      rewardsOf('kallyai', 'alice'),
      rewardsOf('smithai', 'firm'),
    ]);
    return (
      callrail.filter((r) => r.status === 'paid').length === 2 &&
      kallyai.filter((r) => r.status === 'paid').length === 2 &&
      smithai.some((r) => r.status === 'awaiting_approval')
    );
  });
  process.stdout.write(`portal screenshots: ${shots}\n`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rewardsOf = async (program: string, account: string): Promise<any[]> =>
  (await api(harness.engine, 'GET', `/v1/programs/${program}/accounts/${account}/rewards`)).body
    .rewards;

async function until(done: () => Promise<boolean>, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error('timed out waiting for the worker');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function portalLink(program: string, account: string, key = ADMIN_KEY): Promise<string> {
  const answer = await api(
    harness.engine,
    'POST',
    `/v1/programs/${program}/accounts/${account}/portal-link`,
    undefined,
    key,
  );
  expect(answer.status).toBe(201);
  expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now());
  return answer.body.url;
}

async function open(url: string, viewport = { width: 1200, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const response = await page.goto(url);
  return { page, status: response?.status(), close: () => context.close() };
}

/** The referral row of a referee, cell by column key. */
async function row(page: Page, referee: string): Promise<Record<string, string>> {
  return page
    .locator(`tr[data-referee="${referee}"] [data-col]`)
    .evaluateAll((cells) =>
      Object.fromEntries(
        cells.map((c) => [c.getAttribute('data-col'), (c.textContent ?? '').trim()]),
      ),
    );
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe('the referrer portal', () => {
  it('shows a CallRail agency its referrals with the invoices remaining, rewards and share link', async () => {
    const url = await portalLink('callrail', 'agency-a');
    expect(url.startsWith(`${harness.engine.url}/portal/callrail/agency-a?token=`)).toBe(true);
    const { page, status, close } = await open(url);
    expect(status).toBe(200);
    await expect(page.title()).resolves.toContain('CallRail');
    const headers = await page.locator('table[data-testid=referrals] thead th').allTextContents();
    expect(headers).toEqual([
      'Referred account',
      'Plan',
      'Sign-up date',
      'Invoices remaining until reward',
      'Reward amount',
      'Reward status',
    ]);
    expect(await row(page, 'x-corp')).toEqual({
      account: 'x-corp',
      plan: 'starter',
      signedUp: DATES.xCorpSignup,
      invoicesRemaining: '2',
      amount: '$50.00 expected',
      status: 'Pending',
    });
    expect(await row(page, 'y-corp')).toMatchObject({
      invoicesRemaining: '0',
      amount: '$150.00',
      status: 'Paid',
    });
    expect(await row(page, 'z-corp')).toMatchObject({ amount: '$150.00', status: 'Paid' });
    // The share link points at this server's landing page, not at a fixed port.
    await expect(page.getByTestId('referral-code').textContent()).resolves.toBe('CR-AGENCYA');
    await expect(page.getByLabel('Share link').inputValue()).resolves.toBe(
      `${harness.engine.url}/r/callrail/CR-AGENCYA`,
    );
    await expect(page.getByTestId('balances').textContent()).resolves.toContain('$300.00');
    // Two rewards in two months: two bars, and a text alternative with the total.
    await expect(page.locator('figure.chart rect.bar').count()).resolves.toBe(2);
    await expect(page.locator('figure.chart svg').getAttribute('aria-label')).resolves.toContain(
      'total $300.00',
    );
    await shot(page, 'callrail-agency-a');
    await close();
  });

  it('shows a KallyAI subscriber the minutes each friend earned and when they expire', async () => {
    const rewards = await rewardsOf('kallyai', 'alice');
    const bobs = rewards.find((r) => r.refereeAccountId === 'bob');
    const { page, status, close } = await open(await portalLink('kallyai', 'alice', KALLYAI_KEY));
    expect(status).toBe(200);
    expect(await row(page, 'bob')).toEqual({
      account: 'bob',
      plan: 'pro',
      signedUp: DATES.bobSignup,
      expires: bobs.expiresAt.slice(0, 10),
      amount: '90 min',
      status: 'Paid',
    });
    expect(Date.parse(bobs.expiresAt)).toBeGreaterThan(Date.now());
    expect(await row(page, 'carol')).toMatchObject({ amount: '22 min' });
    // Carol's minutes have lapsed, Bob's still run.
    await expect(page.getByTestId('balances').textContent()).resolves.toContain('90 min');
    await expect(page.locator('table[data-testid=rewards]').textContent()).resolves.toContain(
      `expires ${bobs.expiresAt.slice(0, 10)}`,
    );
    await shot(page, 'kallyai-alice');
    await close();
  });

  it('shows a Smith.ai client when each cash check happens and what it will pay', async () => {
    const { page, status, close } = await open(await portalLink('smithai', 'firm'));
    expect(status).toBe(200);
    expect(await row(page, 'r1')).toEqual({
      account: 'r1',
      plan: 'virtual receptionist / vr-50',
      signedUp: DATES.r1Signup,
      checkDate: DATES.r1Check,
      amount: '$1,000.00 at stake',
      status: 'Pending',
    });
    expect(await row(page, 'r2')).toMatchObject({
      checkDate: DATES.r2Check,
      amount: '$200.00 at stake',
      status: 'Pending',
    });
    expect(await row(page, 'r3')).toMatchObject({
      checkDate: `Checked ${DATES.r3Check}`,
      amount: '$1,000.00',
      status: 'Awaiting approval',
    });
    await shot(page, 'smithai-firm');
    await close();
  });

  it('fits a phone screen and works from the keyboard', async () => {
    const url = await portalLink('smithai', 'firm');
    const { page, close } = await open(url, { width: 390, height: 844 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    // No sideways scrolling of the page itself; wide tables scroll in their own region.
    // (Expressions run in the page, as text: this program is type-checked without the DOM's types.)
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe(
      'Skip to content',
    );
    await page.getByRole('button', { name: 'Copy link' }).focus();
    await page.keyboard.press('Enter');
    // The page says it once the clipboard's promise settles: wait for the words, not a moment.
    const status = page.getByRole('status');
    await status.filter({ hasText: /copied|copy/i }).waitFor({ timeout: 5000 });
    await expect(status.textContent()).resolves.toMatch(/copied|copy/i);
    await shot(page, 'smithai-firm-phone');
    await close();
  });

  it("refuses another account's link, a tampered token and an expired one", async () => {
    const agencyLink = await portalLink('callrail', 'agency-a');
    const token = new URL(agencyLink).searchParams.get('token') as string;
    const other = await open(`${harness.engine.url}/portal/callrail/x-corp?token=${token}`);
    expect(other.status).toBe(403);
    await expect(other.page.locator('h1').textContent()).resolves.toBe('Not your page');
    await expect(other.page.content()).resolves.not.toContain('y-corp');
    await shot(other.page, 'refused-other-account');
    await other.close();

    const [version, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ p: 'callrail', a: 'x-corp', e: Date.now() + 60_000 }),
    ).toString('base64url');
    expect(payload).not.toBe(forged);
    const tampered = await open(
      `${harness.engine.url}/portal/callrail/x-corp?token=${version}.${forged}.${signature}`,
    );
    expect(tampered.status).toBe(401);
    await tampered.close();

    const expired = new PortalTokens(SECRET).sign({
      program: 'callrail',
      accountId: 'agency-a',
      expiresAt: Date.now() - 1,
    });
    const late = await open(`${harness.engine.url}/portal/callrail/agency-a?token=${expired}`);
    expect(late.status).toBe(401);
    await expect(late.page.locator('main').textContent()).resolves.toContain('expired');
    await late.close();

    const missing = await open(`${harness.engine.url}/portal/callrail/agency-a`);
    expect(missing.status).toBe(401);
    await missing.close();

    // A program key reaches only its program's links.
    const foreign = await api(
      harness.engine,
      'POST',
      '/v1/programs/callrail/accounts/agency-a/portal-link',
      undefined,
      KALLYAI_KEY,
    );
    expect(foreign.status).toBe(403);
  });
});

describe('Bull Board in a browser', () => {
  it('opens /admin/queues with the admin key as the password, and shows the three queues', async () => {
    // Without the key the browser gets a Basic challenge (test/e2e/operators.e2e.spec.ts checks the 401).
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      httpCredentials: { username: 'operator', password: ADMIN_KEY },
    });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(harness.engine.url)) outside.push(request.url());
    });
    expect((await page.goto(`${harness.engine.url}/admin/queues`))?.status()).toBe(200);
    for (const queue of ['payouts', 'timers', 'deliveries'])
      await page.getByText(queue, { exact: true }).first().waitFor();
    // The overview's cards come from the board's JSON API, asked by the page with the same key.
    await page
      .getByText(/^\d+ Jobs?$/)
      .nth(2)
      .waitFor();
    expect(await page.getByText(/^\d+ Jobs?$/).count()).toBe(3);
    expect(outside).toEqual([]);
    await shot(page, 'admin-queues');
    await context.close();
  });
});

describe("the referee's landing page", () => {
  it('names the program, says what the referee gets, and signs up with the code', async () => {
    const { page, status, close } = await open(`${harness.engine.url}/r/callrail/CR-AGENCYA`);
    expect(status).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('CallRail');
    await expect(page.getByTestId('offers').textContent()).resolves.toContain(
      '$50.00 to $150.00 (by plan) account credit after your 4 successful payments',
    );
    const href = await page.getByTestId('signup').getAttribute('href');
    const signup = new URL(href as string);
    expect(signup.origin + signup.pathname).toBe('https://signup.callrail.example/start');
    expect(signup.searchParams.get('referralCode')).toBe('CR-AGENCYA');
    expect(signup.searchParams.get('utm_source')).toBe('referral');
    await shot(page, 'landing-callrail');
    await close();
  });

  it("tells a Smith.ai referee of the first month's discount, a code matched case-insensitively", async () => {
    const { page, status, close } = await open(`${harness.engine.url}/r/smithai/smith-firm`);
    expect(status).toBe(200);
    await expect(page.getByTestId('offers').textContent()).resolves.toContain(
      '$100.00 off your first month of virtual receptionist',
    );
    await expect(page.getByTestId('referral-code').textContent()).resolves.toBe('SMITH-FIRM');
    // No signup URL configured for Smith.ai: the page says to enter the code instead.
    await expect(page.getByTestId('signup').count()).resolves.toBe(0);
    await shot(page, 'landing-smithai');
    await close();
  });

  it('answers an unknown code or program with a 404 page', async () => {
    // `smıth-fırm` (dotless i) is SMITH-FIRM under Unicode upper-casing, but a signup
    // with it is attributed to nobody: only ASCII letters fold.
    const notFound = [
      '/r/callrail/NOBODY-HAS-THIS',
      '/r/nosuchprogram/CR-AGENCYA',
      `/r/smithai/${encodeURIComponent('sm\u0131th-f\u0131rm')}`,
    ];
    for (const path of notFound) {
      const { page, status, close } = await open(`${harness.engine.url}${path}`);
      expect(status).toBe(404);
      await expect(page.locator('h1').textContent()).resolves.toBe('Invitation not found');
      if (path.includes('NOBODY')) await shot(page, 'landing-not-found');
      await close();
    }
  });
});
