import {
  BillingEvent,
  billingEventSchema,
  envelopeSchema,
  eventDataSchemas,
} from './billing-event.schema';
import type { ProgramCatalogs } from './program-catalog';
import { Problem, problemsFromZod } from './problems';

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * The one inbound check of CONTRACT §1: shape first, then `data` by its type,
 * then what only the program's catalog can tell (program, plan, product).
 */
export function validateBillingEvent(
  input: unknown,
  catalogs: ProgramCatalogs,
): Validation<BillingEvent> {
  // Fast path: one pass over the whole union. Only a failure needs the
  // two-step check below, which names every problem precisely.
  const whole = billingEventSchema.safeParse(input);
  if (whole.success) {
    const problems = catalogProblems(whole.data, catalogs);
    return problems.length === 0 ? { ok: true, value: whole.data } : { ok: false, problems };
  }
  // `reportInput`: zod 4 leaves `input` off its issues otherwise, and problemsFromZod
  // tells a missing field from a wrong one by it.
  const envelope = envelopeSchema.safeParse(input, { reportInput: true });
  if (!envelope.success) {
    const problems = problemsFromZod(envelope.error);
    // Check `data` too when the type is known, so one answer lists every problem.
    const type = (input as { type?: unknown } | null)?.type;
    const data = (input as { data?: unknown } | null)?.data;
    if (typeof type === 'string' && type in eventDataSchemas && isObject(data)) {
      const dataCheck = eventDataSchemas[type as keyof typeof eventDataSchemas].safeParse(data, {
        reportInput: true,
      });
      if (!dataCheck.success) problems.push(...problemsFromZod(dataCheck.error, ['data']));
    }
    return { ok: false, problems };
  }
  const { type } = envelope.data;
  const data = eventDataSchemas[type].safeParse(envelope.data.data, { reportInput: true });
  const problems = data.success ? [] : problemsFromZod(data.error, ['data']);
  problems.push(...catalogProblems(envelope.data, catalogs));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...envelope.data, data: data.data } as BillingEvent };
}

function catalogProblems(
  event: { program: string; type: string; data: Record<string, unknown> },
  catalogs: ProgramCatalogs,
): Problem[] {
  const catalog = catalogs.catalogOf(event.program);
  if (!catalog) {
    return [
      {
        path: 'program',
        rule: `unknown program "${event.program}" (known: ${catalogs.programIds().join(', ')})`,
      },
    ];
  }
  if (event.type !== 'subscription.activated' && event.type !== 'subscription.plan_changed') {
    return [];
  }
  const problems: Problem[] = [];
  const { plan, product } = event.data;
  if (catalog.plans !== 'any' && typeof plan === 'string' && !catalog.plans.includes(plan)) {
    problems.push({
      path: 'data.plan',
      rule: `must be a plan of ${event.program} (${catalog.plans.join(', ')})`,
    });
  }
  if (catalog.products) {
    if (product === undefined) {
      problems.push({
        path: 'data.product',
        rule: `is required by ${event.program} (${catalog.products.join(', ')})`,
      });
    } else if (typeof product === 'string' && !catalog.products.includes(product)) {
      problems.push({
        path: 'data.product',
        rule: `must be a product of ${event.program} (${catalog.products.join(', ')})`,
      });
    }
  } else if (product !== undefined) {
    problems.push({
      path: 'data.product',
      rule: `is not allowed: ${event.program} sells no products`,
    });
  }
  return problems;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
