import type { Program, RewardAmount, RewardSpec, Trigger } from '@referrals/domain';
import { html } from './html';
import { layout } from './layout';
import { formatAmount } from './money';

/** The referee's page behind a share link: whose program, what the referee gets, and the way to sign up. */
export function landingPage(program: Program, code: string, signupUrl?: string): string {
  const offers = refereeOffers(program);
  const signup = signupUrl ? signupLink(signupUrl, code) : undefined;
  const body = html`<main id="main" class="wrap">
    <section class="card hero" aria-labelledby="landing-title">
      <p class="muted">You were invited to</p>
      <h1 id="landing-title">${program.name}</h1>
      ${
        offers.length > 0
          ? html`<p class="offer">Sign up with this invitation and you get:</p>
              <ul data-testid="offers">
                ${offers.map((o) => html`<li><strong>${o}</strong></li>`)}
              </ul>`
          : html`<p class="offer">
              Sign up with this invitation: the friend who invited you is thanked for it.
            </p>`
      }
      <p>Your referral code: <span class="code" data-testid="referral-code">${code}</span></p>
      ${
        signup
          ? html`<p>
              <a class="button" data-testid="signup" href="${signup}"
                >Sign up for ${program.name}</a
              >
            </p>`
          : html`<p>Enter the code when you sign up for ${program.name}.</p>`
      }
    </section>
  </main>`;
  return layout(`${program.name}: you were invited`, body);
}

/** The program's sign-up page (SIGNUP_URLS) with the code as `referralCode`. */
export function signupLink(signupUrl: string, code: string): string {
  const url = new URL(signupUrl);
  url.searchParams.set('referralCode', code);
  return url.toString();
}

/** What the referee earns, in words, from the program's rules. */
export function refereeOffers(program: Program): string[] {
  return program.triggers.flatMap((trigger) =>
    trigger.rewards
      .filter((r) => r.role === 'referee')
      .map((r) => `${rewardWords(program, r)} ${whenWords(trigger)}`),
  );
}

function rewardWords(program: Program, reward: RewardSpec): string {
  const amount = amountWords(program, reward.amount, reward.kind);
  const lasting = reward.expiresAfterMonths
    ? ` for ${reward.expiresAfterMonths === 1 ? 'one month' : `${reward.expiresAfterMonths} months`}`
    : '';
  switch (reward.kind) {
    case 'discount':
      return `${amount} off`;
    case 'bonus_minutes':
      return reward.amount.type === 'percent_of_plan_units'
        ? `${reward.amount.basisPoints / 100}% of your plan's minutes as bonus minutes${lasting}`
        : `${amount} bonus minutes${lasting}`;
    case 'account_credit':
      return `${amount} account credit`;
    case 'cash':
      return `${amount} cash`;
  }
}

function amountWords(program: Program, amount: RewardAmount, kind: string): string {
  const unit = kind === 'bonus_minutes' ? 'minutes' : program.currency;
  const show = (n: number) => (unit === 'minutes' ? String(n) : formatAmount(n, unit));
  switch (amount.type) {
    case 'fixed':
      return show(amount.amount);
    case 'by_plan':
    case 'by_product': {
      const values = [...new Set(Object.values(amount.amounts))].sort((a, b) => a - b);
      return values.length === 1
        ? show(values[0])
        : `${show(values[0])} to ${show(values[values.length - 1])} (by ${amount.type === 'by_plan' ? 'plan' : 'product'})`;
    }
    case 'percent_of_plan_units':
      return `${amount.basisPoints / 100}% of your plan's`;
    case 'percent_of_payment':
      return `${amount.basisPoints / 100}% of each payment in`;
  }
}

function whenWords(trigger: Trigger): string {
  switch (trigger.on) {
    case 'first_activation': {
      const only = trigger.products ?? trigger.plans;
      return only
        ? `your first month of ${only.map((p) => p.replace(/_/g, ' ')).join(' or ')}`
        : 'when you subscribe';
    }
    case 'successful_payments':
      return `after your ${trigger.count} successful payments`;
    case 'monthly_check':
      return `if you are still a client ${trigger.monthsAfterFirstPayment} months after your first payment`;
    case 'each_successful_payment':
      return 'with every payment';
  }
}
