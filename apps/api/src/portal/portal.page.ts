import { Html, html } from './html';
import { layout } from './layout';
import { formatAmount, formatDay, KIND_LABELS, statusLabel } from './money';
import type { PortalModel } from './portal-view';
import { rewardsChart } from './rewards-chart';

/** The referrer's page: share link, referrals with the program's own progress, rewards, balances, chart. */
export function portalPage(model: PortalModel): string {
  const { program, accountId } = model;
  const body = html`<header class="top">
      <div class="wrap">
        <h1>${program.name} referrals</h1>
        <p class="muted">Account <strong>${accountId}</strong></p>
      </div>
    </header>
    <main id="main" class="wrap">
      ${shareCard(model)}
      <section class="card" aria-labelledby="referrals-title">
        <h2 id="referrals-title">Your referrals</h2>
        ${referralsTable(model)}
      </section>
      <section class="card" aria-labelledby="balances-title">
        <h2 id="balances-title">Balances</h2>
        ${balances(model)}
      </section>
      <section class="card" aria-labelledby="chart-title">
        <h2 id="chart-title">Rewards over time</h2>
        ${rewardsChart(model.rewards)}
      </section>
      <section class="card" aria-labelledby="rewards-title">
        <h2 id="rewards-title">Your rewards</h2>
        ${rewardsTable(model)}
      </section>
      ${program.description ? html`<p class="muted">${program.description}</p>` : ''}
    </main>`;
  return layout(`${program.name} referrals · ${accountId}`, body, { script: true });
}

function shareCard({ code }: PortalModel): Html {
  if (!code)
    return html`<section class="card" aria-labelledby="share-title">
      <h2 id="share-title">Your referral link</h2>
      <p>You have no referral code yet.</p>
    </section>`;
  return html`<section class="card" aria-labelledby="share-title">
    <h2 id="share-title">Your referral link</h2>
    <p>Your code: <span class="code" data-testid="referral-code">${code.code}</span></p>
    <div class="share">
      <label for="share-link" class="muted">Share link</label>
      <input id="share-link" type="text" readonly value="${code.shareLink}" />
      <button type="button" data-copy="share-link">Copy link</button>
    </div>
    <p id="copy-status" class="muted" role="status" aria-live="polite"></p>
  </section>`;
}

function referralsTable({ columns, rows }: PortalModel): Html {
  if (rows.length === 0)
    return html`<p class="muted">No referrals yet. Share your link to start.</p>`;
  return html`<div
    class="table-scroll"
    tabindex="0"
    role="region"
    aria-labelledby="referrals-title"
  >
    <table data-testid="referrals" class="stack">
      <thead>
        <tr>
          ${columns.map((c) => html`<th scope="col" data-col="${c.key}">${c.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr data-referee="${row.refereeAccountId}">
              ${columns.map((c, i) =>
                i === 0
                  ? html`<th scope="row" data-col="${c.key}" data-label="${c.label}">
                      ${row.cells[c.key]}
                    </th>`
                  : html`<td
                      data-col="${c.key}"
                      data-label="${c.label}"
                      class="${c.key === 'status' ? statusClass(row.cells[c.key]) : ''}"
                    >
                      ${row.cells[c.key]}
                    </td>`,
              )}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const statusClass = (label: string) =>
  `status-${label.toLowerCase().split(' (')[0].replace(/ /g, '_')}`;

/** What a balance of each kind means to the referrer (the ledger's sums). */
const BALANCE_LABELS: Record<string, string> = {
  account_credit: 'Account credit',
  bonus_minutes: 'Bonus minutes left',
  cash: 'Cash owed to you',
  discount: 'Discounts',
};

function balances({ balances }: PortalModel): Html {
  if (balances.length === 0) return html`<p class="muted">Nothing paid yet.</p>`;
  return html`<dl class="balances" data-testid="balances">
    ${balances.map(
      (b) =>
        html`<div>
          <dt>${BALANCE_LABELS[b.kind] ?? KIND_LABELS[b.kind] ?? b.kind}</dt>
          <dd>${formatAmount(b.amount, b.unit)}</dd>
        </div>`,
    )}
  </dl>`;
}

function rewardsTable({ rewards }: PortalModel): Html {
  if (rewards.length === 0) return html`<p class="muted">No rewards yet.</p>`;
  return html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="rewards-title">
    <table data-testid="rewards" class="stack">
      <thead>
        <tr>
          <th scope="col">Earned</th>
          <th scope="col">Referral</th>
          <th scope="col">Reward</th>
          <th scope="col" class="num">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Dates</th>
        </tr>
      </thead>
      <tbody>
        ${rewards.map(
          (r) =>
            html`<tr data-reward="${r.rewardId}">
              <td data-label="Earned">${formatDay(r.earnedAt)}</td>
              <td data-label="Referral">
                ${r.refereeAccountId}${r.role === 'referee' ? ' (you were referred)' : ''}
              </td>
              <td data-label="Reward">${KIND_LABELS[r.kind] ?? r.kind}</td>
              <td data-label="Amount" class="num">${formatAmount(r.amount, r.unit)}</td>
              <td data-label="Status" class="status-${r.status}">${statusLabel(r.status)}</td>
              <td data-label="Dates">${rewardDates(r) || '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function rewardDates(r: PortalModel['rewards'][number]): string {
  return [
    r.paidAt && `paid ${formatDay(r.paidAt)}`,
    r.dueBy && `due by ${formatDay(r.dueBy)}`,
    r.expiresAt && `expires ${formatDay(r.expiresAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}
