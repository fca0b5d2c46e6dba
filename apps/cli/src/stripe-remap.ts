import type { EventIngestor } from '@referrals/ingestion';
import { createRuntime, loadConfig, stripeSettings } from '@referrals/runtime';
import { RemappedStripeEvent, remapStripe } from '@referrals/stripe';
import { parseInstantOption } from './options/as-of';
import { UsageError } from './usage-error';

export interface StripeRemapOptions {
  program: string;
  since: string;
  apply?: boolean;
}

/**
 * `referrals stripe-remap`: runs the program's raw Stripe stream (the events
 * created at or after `--since`) through today's mapping. A dry run prints
 * the contract events as NDJSON (pipe them into `referrals replay --input -`);
 * `--apply` hands them to the ingestor, where the ones already stored are
 * duplicates and only what the old mapping missed is added.
 */
export async function stripeRemapCommand(options: StripeRemapOptions): Promise<string> {
  const since = new Date(parseInstantOption('--since', options.since));
  const config = loadConfig();
  const runtime = await createRuntime(config);
  try {
    if (!runtime.programs.get(options.program))
      throw new UsageError(`--program: unknown program ${options.program}`);
    const remapped = await remapStripe(
      runtime.store,
      options.program,
      stripeSettings(config),
      since,
    );
    process.stderr.write(`${summary(remapped, options)}\n`);
    if (!options.apply)
      return remapped.flatMap((r) => r.events.map((e) => JSON.stringify(e))).join('\n');
    return JSON.stringify(await applyRemap(runtime.ingestor, remapped), null, 2);
  } finally {
    await runtime.close();
  }
}

export interface RemapApplied {
  stored: number;
  duplicates: number;
  rejected: { stripeEventId: string; problems: readonly { path: string; rule: string }[] }[];
}

/** One ingest per Stripe event, so one refused event does not hold back the others. */
export async function applyRemap(
  ingestor: EventIngestor,
  remapped: readonly RemappedStripeEvent[],
): Promise<RemapApplied> {
  const result: RemapApplied = { stored: 0, duplicates: 0, rejected: [] };
  for (const entry of remapped) {
    if (entry.problems.length > 0)
      result.rejected.push({ stripeEventId: entry.stripeEventId, problems: entry.problems });
    if (entry.events.length === 0) continue;
    const outcome = await ingestor.ingest(entry.events);
    if (outcome.status === 'accepted') {
      result.stored += outcome.stored;
      result.duplicates += outcome.duplicates;
    } else result.rejected.push({ stripeEventId: entry.stripeEventId, problems: outcome.problems });
  }
  return result;
}

function summary(remapped: readonly RemappedStripeEvent[], options: StripeRemapOptions): string {
  const count = (kind: RemappedStripeEvent['mapping']) =>
    remapped.filter((r) => r.mapping === kind).length;
  const events = remapped.reduce((n, r) => n + r.events.length, 0);
  const lines = [
    `${remapped.length} Stripe events of ${options.program} since ${options.since}: ` +
      `${events} contract events, ${count('ignored')} ignored, ${count('unmapped')} unmapped, ` +
      `${count('unmappable')} unmappable${options.apply ? '' : ' (dry run: nothing stored)'}`,
  ];
  for (const r of remapped)
    for (const p of r.problems) lines.push(`${r.stripeEventId} (${r.type}): ${p.path}: ${p.rule}`);
  return lines.join('\n');
}
