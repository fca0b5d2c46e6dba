import type { RewardView } from '@referrals/domain';
import { Html, html } from './html';
import { formatAmount } from './money';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 40, left: 96 };
/** At most this many months, the latest ones: a long history stays readable. */
const MAX_MONTHS = 24;

/** Month keys from the first to the last, inclusive: 2026-01, 2026-02, … */
function months(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out.slice(-MAX_MONTHS);
}

/**
 * Rewards earned per month as an inline SVG bar chart, one per unit (dollars
 * and minutes do not share an axis). Voided rewards are left out. Inline SVG
 * needs no script or external asset; the rewards table beside it carries the
 * same figures for screen readers, and the chart has a text alternative.
 */
export function rewardsChart(rewards: readonly RewardView[]): Html {
  const counted = rewards.filter((r) => r.status !== 'voided');
  const units = [...new Set(counted.map((r) => r.unit))].sort();
  if (units.length === 0) return html`<p class="muted">No rewards yet.</p>`;
  return html`${units.map((unit) =>
    chartFor(
      unit,
      counted.filter((r) => r.unit === unit),
    ),
  )}`;
}

function chartFor(unit: string, rewards: readonly RewardView[]): Html {
  const byMonth = new Map<string, number>();
  for (const r of rewards) {
    const month = r.earnedAt.slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? 0) + r.amount);
  }
  const keys = [...byMonth.keys()].sort();
  const axis = months(keys[0], keys[keys.length - 1]);
  const values = axis.map((m) => byMonth.get(m) ?? 0);
  const max = Math.max(...values, 1);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / axis.length;
  const barW = Math.min(48, slot * 0.7);
  const total = values.reduce((a, b) => a + b, 0);
  const summary = `Rewards earned per month in ${unit === 'minutes' ? 'minutes' : unit}: ${axis
    .map((m, i) => `${m} ${formatAmount(values[i], unit)}`)
    .join(', ')}; total ${formatAmount(total, unit)}.`;
  const bars = axis.map((month, i) => {
    const h = Math.round((values[i] / max) * plotH);
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const y = PAD.top + plotH - h;
    return html`<g>
      <rect class="bar" x="${x.toFixed(1)}" y="${y}" width="${barW.toFixed(1)}" height="${h}" rx="3"
        ><title>${month}: ${formatAmount(values[i], unit)}</title></rect
      >
      <text
        class="tick"
        x="${(x + barW / 2).toFixed(1)}"
        y="${HEIGHT - PAD.bottom + 18}"
        text-anchor="middle"
        >${month}</text
      >
    </g>`;
  });
  const gridLines = [0, 0.5, 1].map((f) => {
    const y = PAD.top + plotH - Math.round(f * plotH);
    return html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" />
      <text class="tick" x="${PAD.left - 8}" y="${y + 4}" text-anchor="end"
        >${tickLabel(Math.round(f * max), unit)}</text
      >`;
  });
  return html`<figure class="chart">
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-label="${summary}"
      preserveAspectRatio="xMidYMid meet"
    >
      ${gridLines}${bars}
    </svg>
    <figcaption>
      ${unit === 'minutes' ? 'Bonus minutes' : `Rewards in ${unit}`} earned per month · total
      ${formatAmount(total, unit)}
    </figcaption>
  </figure>`;
}

/** Axis labels in whole units ($1,000, 90 min): cents on an axis are noise. */
function tickLabel(amount: number, unit: string): string {
  if (unit === 'minutes') return formatAmount(amount, unit);
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: unit,
      maximumFractionDigits: 0,
    }).format(amount / 100);
  } catch {
    return formatAmount(amount, unit);
  }
}
