// Writes a realistic synthetic billing history (CONTRACT §1 NDJSON), deterministic from a seed:
// all three programs, referrers with codes, referees over many months of payments, failures,
// refunds, plan changes, cancellations, ~1.5 % duplicate deliveries and some late arrivals.
// Streams to the file: memory stays flat whatever the size.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const PROGRAMS = {
  kallyai: { plans: ['starter', 'pro', 'power'], price: { starter: 900, pro: 2900, power: 7900 } },
  callrail: {
    plans: ['starter', 'pro', 'premium'],
    price: { starter: 4500, pro: 14500, premium: 24500 },
  },
  smithai: {
    products: ['virtual_receptionist', 'voice_assistant', 'chat', 'outreach'],
    price: 29200,
  },
};
const START = Date.parse('2024-01-01T00:00:00Z');
const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so a size and seed always give the same file. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One account's life as events: signup, maybe a code, a subscription, monthly payments, maybe a cancel. */
function* accountLife(rand, program, n, referrers, t0) {
  const accountId = `${program}-acct-${n}`;
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const at = (ms) => new Date(ms).toISOString();
  let t = t0;
  let seq = 0;
  const ev = (type, data, time = t) => ({
    id: `${accountId}-${seq++}`,
    type,
    program,
    accountId,
    occurredAt: at(time),
    data,
  });
  const referrer = referrers.length > 0 && rand() < 0.6 ? pick(referrers) : undefined;
  const signup = { name: `Account ${n}`, email: `owner${n}@example.com` };
  if (referrer) {
    if (rand() < 0.7) signup.referralCode = referrer.code;
    else signup.referrerAccountId = referrer.accountId;
  }
  if (program === 'smithai' && rand() < 0.05) signup.partner = true;
  yield ev('account.signed_up', signup);
  t += 60_000;
  const spec = PROGRAMS[program];
  const product = spec.products ? pick(spec.products) : undefined;
  let plan = spec.plans ? pick(spec.plans) : `plan-${Math.floor(rand() * 3)}`;
  yield ev('subscription.activated', product ? { plan, product } : { plan });
  if (rand() < 0.3) {
    const code = `${program.slice(0, 2).toUpperCase()}-${n.toString(36).toUpperCase().padStart(5, '0')}`;
    yield ev('referral_code.assigned', { code });
    referrers.push({ accountId, code });
  }
  const months = 1 + Math.floor(rand() * 14);
  for (let m = 0; m < months; m++) {
    t += 30 * DAY + Math.floor(rand() * DAY);
    const amount = spec.price[plan] ?? spec.price;
    const invoiceId = `inv-${accountId}-${m}`;
    const fingerprint =
      rand() < 0.3 ? { paymentMethodFingerprint: `fp-${Math.floor(rand() * 1e9)}` } : {};
    if (rand() < 0.05) yield ev('payment.failed', { invoiceId, amount, currency: 'USD' });
    yield ev(
      'payment.succeeded',
      { invoiceId, amount, currency: 'USD', ...fingerprint },
      t + 3_600_000,
    );
    if (rand() < 0.02)
      yield ev('payment.refunded', { invoiceId, amount, currency: 'USD' }, t + 5 * DAY);
    if (spec.plans && rand() < 0.05) {
      plan = pick(spec.plans);
      yield ev('subscription.plan_changed', { plan }, t + 10 * DAY);
    }
    if (rand() < 0.03) yield ev('account.updated', { name: `Account ${n} Inc` }, t + 11 * DAY);
  }
  if (rand() < 0.25) yield ev('subscription.cancelled', { reason: 'budget' }, t + 15 * DAY);
}

/**
 * Generates about `events` events into `path`. Accounts start spread over two years; lives are
 * interleaved in time order through a small window, so the file is mostly in occurredAt order
 * with a few late events, as an upstream feed would be.
 */
export async function generateHistory(path, events, seed = 42) {
  const rand = random(seed);
  const out = createWriteStream(path);
  const referrers = { kallyai: [], callrail: [], smithai: [] };
  const programs = Object.keys(PROGRAMS);
  let written = 0;
  let bytes = 0;
  let n = 0;
  const pending = [];
  const spanMs = 730 * DAY;
  const write = async (e) => {
    let line = JSON.stringify(e) + '\n';
    if (rand() < 0.015) line += line; // a duplicate delivery
    bytes += line.length;
    written += line === '' ? 0 : line.split('\n').length - 1;
    if (!out.write(line)) await once(out, 'drain');
  };
  while (written < events) {
    const program = programs[n % 3];
    const t0 = START + (Math.floor((n / (events / 12)) * spanMs) % spanMs);
    for (const e of accountLife(rand, program, n, referrers[program], t0)) pending.push(e);
    n++;
    if (pending.length > 5000) {
      pending.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : 1));
      // Emit the older half; a few go out late, after newer ones.
      for (const e of pending.splice(0, 2500)) await write(e);
    }
  }
  for (const e of pending.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : 1))) await write(e);
  out.end();
  await once(out, 'finish');
  return { events: written, bytes, accounts: n };
}
