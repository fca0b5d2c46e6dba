/**
 * The portal's and landing page's only assets, served by the API itself
 * (no CDN, no external network): a stylesheet and the copy button's script.
 * Kept as strings so the compiled app needs no asset copying step.
 * Colours meet WCAG AA contrast (4.5:1 for text) on their backgrounds.
 */
export const PORTAL_CSS = `
:root { --ink:#1b1f24; --muted:#4d5560; --line:#d0d7de; --bg:#f6f8fa; --card:#fff; --accent:#0b57d0; --accent-ink:#fff; --ok:#116329; --warn:#7d4e00; --bad:#a40e26; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color: var(--accent); }
.skip { position:absolute; left:-999px; top:0; background:var(--card); padding:.5rem 1rem; }
.skip:focus { left: .5rem; }
header.top { background:var(--card); border-bottom:1px solid var(--line); }
header.top .wrap { display:flex; align-items:baseline; justify-content:space-between; gap:1rem; flex-wrap:wrap; }
.wrap { max-width: 1080px; margin:0 auto; padding: 1rem 1.25rem; }
h1 { font-size:1.5rem; margin:.25rem 0; }
h2 { font-size:1.2rem; margin:0 0 .75rem; }
.muted { color:var(--muted); }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem 1.25rem; margin:1rem 0; }
.share { display:flex; gap:.5rem; flex-wrap:wrap; align-items:center; }
.share input { flex: 1 1 18rem; min-width:0; font: inherit; padding:.5rem .6rem; border:1px solid var(--muted); border-radius:6px; background:#fff; color:var(--ink); }
.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:1.1rem; font-weight:600; letter-spacing:.04em; }
button, .button { font: inherit; font-weight:600; padding:.5rem 1rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:var(--accent-ink); cursor:pointer; text-decoration:none; display:inline-block; }
button:focus-visible, .button:focus-visible, a:focus-visible, input:focus-visible, .table-scroll:focus-visible { outline:3px solid #f0a30a; outline-offset:2px; }
.table-scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-size:.95rem; }
caption { text-align:left; font-weight:600; padding-bottom:.5rem; }
th, td { text-align:left; padding:.5rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
thead th { background:var(--bg); font-weight:600; }
tbody th { font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.balances { display:grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap:.75rem; margin:0; }
.balances div { border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem; }
.balances dt { color:var(--muted); font-size:.9rem; }
.balances dd { margin:0; font-size:1.3rem; font-weight:600; font-variant-numeric: tabular-nums; }
.chart { margin:0; }
.chart svg { width:100%; height:auto; max-height:260px; display:block; }
.chart .bar { fill: var(--accent); }
.chart .grid { stroke: var(--line); }
.chart .tick { fill: var(--muted); font-size: 12px; }
.chart figcaption { color:var(--muted); font-size:.9rem; margin-top:.25rem; }
.status-paid, .status-rewarded { color:var(--ok); font-weight:600; }
.status-pending, .status-awaiting_approval, .status-approved, .status-earned { color:var(--warn); font-weight:600; }
.status-ineligible, .status-forfeited, .status-voided { color:var(--bad); font-weight:600; }
.hero { text-align:center; padding: 2.5rem 1.25rem; }
.hero .offer { font-size:1.25rem; }
.hero ul { list-style:none; padding:0; }
@media (max-width: 640px) {
  .wrap { padding: .75rem; }
  h1 { font-size:1.3rem; }
  /* Tables become one card per row, each value beside its column's name. */
  table.stack thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
  table.stack tr { display:block; border:1px solid var(--line); border-radius:6px; margin-bottom:.75rem; padding:.25rem .6rem; }
  table.stack th, table.stack td { display:flex; justify-content:space-between; gap:1rem; border:0; padding:.3rem 0; text-align:right; }
  table.stack th::before, table.stack td::before { content: attr(data-label); color:var(--muted); font-weight:400; text-align:left; }
  table.stack tbody th { border-bottom:1px solid var(--line); }
  .chart .tick { font-size: 22px; }
}
`;

/** The copy button: copies the share link and says so to screen readers (aria-live). */
export const PORTAL_JS = `
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-copy'));
  const status = document.getElementById('copy-status');
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = 'Link copied.';
  } catch {
    input.select();
    status.textContent = 'Press Ctrl+C (or Cmd+C) to copy the selected link.';
  }
});
`;
