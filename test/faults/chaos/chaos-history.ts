import type { BillingEvent } from '@referrals/contracts';

/**
 * A billing history across the three programs, dated in the past, shaped so
 * that whatever a fault does to the timing of the live run, the decisions
 * stay those of the replay: referrers subscribe long before their referees
 * sign up, and referees never cancel, fail a payment or change product, so a
 * check that fires early (a quiet program during an outage) finds what it
 * would have found on time. Every referee pays or activates its way to a
 * reward, so the run has money to count.
 */
export function chaosHistory(targetEvents: number, start = Date.UTC(2025, 0, 6)): BillingEvent[] {
  const events: BillingEvent[] = [];
  let n = 0;
  const at = (ms: number) => new Date(ms).toISOString();
  const add = (e: Omit<BillingEvent, 'id'>) =>
    events.push({ id: `chaos-${n++}`, ...e } as BillingEvent);
  const DAY = 86_400_000;
  const MONTH = 30 * DAY;
  const referrers = 20;
  for (const program of ['kallyai', 'callrail', 'smithai'] as const) {
    for (let r = 0; r < referrers; r++) {
      const accountId = `${program}-referrer-${r}`;
      const t = start + r * 60_000;
      add({ type: 'account.signed_up', program, accountId, occurredAt: at(t), data: {} });
      add({
        type: 'subscription.activated',
        program,
        accountId,
        occurredAt: at(t + 1_000),
        data: program === 'smithai' ? { plan: 'basic', product: 'chat' } : { plan: 'pro' },
      } as Omit<BillingEvent, 'id'>);
      add({
        type: 'referral_code.assigned',
        program,
        accountId,
        occurredAt: at(t + 2_000),
        data: { code: `CH-${program.toUpperCase()}-${r}` },
      });
    }
  }
  // Referees, a few seconds apart in event time, round-robin over the programs.
  for (let i = 0; events.length < targetEvents; i++) {
    const program = (['kallyai', 'callrail', 'smithai'] as const)[i % 3];
    const accountId = `${program}-referee-${i}`;
    const t = start + 2 * DAY + i * 7_000;
    const code = `ch-${program}-${i % referrers}`; // typed in lower case: codes match whatever the case
    add({
      type: 'account.signed_up',
      program,
      accountId,
      occurredAt: at(t),
      data: { referralCode: code },
    });
    if (program === 'kallyai') {
      add({
        type: 'subscription.activated',
        program,
        accountId,
        occurredAt: at(t + 1_000),
        data: { plan: i % 2 ? 'starter' : 'power' },
      });
    } else if (program === 'callrail') {
      add({
        type: 'subscription.activated',
        program,
        accountId,
        occurredAt: at(t + 1_000),
        data: { plan: i % 2 ? 'starter' : 'pro' },
      });
      for (let m = 0; m < 4; m++)
        add({
          type: 'payment.succeeded',
          program,
          accountId,
          occurredAt: at(t + 2_000 + m * MONTH),
          data: { invoiceId: `${accountId}-${m}`, amount: 4900, currency: 'USD' },
        });
    } else {
      const product = i % 2 ? 'virtual_receptionist' : 'voice_assistant';
      add({
        type: 'subscription.activated',
        program,
        accountId,
        occurredAt: at(t + 1_000),
        data: { plan: 'standard', product },
      } as Omit<BillingEvent, 'id'>);
      for (let m = 0; m < 4; m++)
        add({
          type: 'payment.succeeded',
          program,
          accountId,
          occurredAt: at(t + 2_000 + m * MONTH),
          data: { invoiceId: `${accountId}-${m}`, amount: 29_900, currency: 'USD' },
        });
    }
  }
  return events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/**
 * The history as upstream delivers it: every event three times (the copies
 * later, as retries come), and about a fifth of the events swapped with a
 * neighbour less than the reordering window apart in event time (disorder the
 * window absorbs, so decisions still follow event time).
 */
export function deliveries(
  history: readonly BillingEvent[],
  windowMs: number,
  seed = 42,
): BillingEvent[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const ordered = [...history];
  let swapped = 0;
  for (let i = 0; i + 1 < ordered.length && swapped < ordered.length * 0.1; i++) {
    const close =
      Date.parse(ordered[i + 1].occurredAt) - Date.parse(ordered[i].occurredAt) < windowMs / 2;
    if (close && random() < 0.5) {
      [ordered[i], ordered[i + 1]] = [ordered[i + 1], ordered[i]];
      swapped++;
      i++; // a pair is swapped once
    }
  }
  // Each event again, twice, a few hundred events later (upstream retrying).
  const out: BillingEvent[] = [];
  const later = new Map<number, BillingEvent[]>();
  ordered.forEach((event, i) => {
    out.push(event, ...(later.get(i) ?? []));
    later.delete(i);
    for (const delay of [50 + Math.floor(random() * 200), 300 + Math.floor(random() * 300)]) {
      const list = later.get(i + delay) ?? [];
      list.push(event);
      later.set(i + delay, list);
    }
  });
  for (const rest of [...later.keys()].sort((a, b) => a - b)) out.push(...(later.get(rest) ?? []));
  return out;
}
