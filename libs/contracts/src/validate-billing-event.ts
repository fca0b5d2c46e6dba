import {
  BillingEvent,
  billingEventSchema,
  envelopeSchema,
  eventDataSchemas,
} from './billing-event.schema';
import { fastBillingEventCheck } from './fast-billing-event-check';
import { FORBIDDEN_KEY_RULE, forbiddenKeyPath } from './forbidden-keys';
import type { ProgramCatalogs } from './program-catalog';
import { Problem, problemsFromZod } from './problems';

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** What only the live edge knows: its own clock, and how far ahead of it upstream may be. */
export interface LiveClock {
  /** Now, in epoch milliseconds. */
  readonly now: number;
  /** The most an `occurredAt` may be ahead of `now` (MAX_CLOCK_SKEW), in milliseconds. */
  readonly maxSkewMs: number;
}

/**
 * The one inbound check of CONTRACT §1: shape first, then `data` by its type,
 * then what only the program's catalog can tell (program, plan, product), and
 * on the live API, that the event is not from the future.
 */
export function validateBillingEvent(
  input: unknown,
  catalogs: ProgramCatalogs,
  clock?: LiveClock,
): Validation<BillingEvent> {
  // Fastest path: a hand-written walk that allocates nothing for a well-formed event (zod cost
  // the replay a fifth of its CPU); it gives the very value zod would, or leaves it to zod.
  // Then one zod pass over the whole union. Only a failure needs the two-step check below,
  // which names every problem precisely.
  let event = fastBillingEventCheck(input);
  if (event === undefined) {
    // The API refuses these keys with the body, before this check; a history's
    // lines come here alone. (The fast check takes no unknown key, so a line
    // with one always comes this way.) zod would let `data.__proto__` by.
    const forbidden = forbiddenKeyPath(input);
    if (forbidden !== undefined) {
      return { ok: false, problems: [{ path: forbidden, rule: FORBIDDEN_KEY_RULE }] };
    }
    const whole = billingEventSchema.safeParse(input);
    if (whole.success) event = whole.data;
  }
  if (event !== undefined) {
    const problems = catalogProblems(event, catalogs);
    if (clock) problems.push(...futureProblems(event.occurredAt, clock));
    return problems.length === 0 ? { ok: true, value: event } : { ok: false, problems };
  }
  // `reportInput`: zod 4 leaves `input` off its issues otherwise, and problemsFromZod
  // tells a missing field from a wrong one by it.
  const envelope = envelopeSchema.safeParse(input, { reportInput: true });
  if (!envelope.success) {
    const problems = problemsFromZod(envelope.error);
    // Check `data` too when the type is known, so one answer lists every problem.
    const type = (input as { type?: unknown } | null)?.type;
    const data = (input as { data?: unknown } | null)?.data;
    // Own keys only: `toString` is in every object, and no schema.
    if (typeof type === 'string' && Object.hasOwn(eventDataSchemas, type) && isObject(data)) {
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
  problems.push(...futureProblems(envelope.data.occurredAt, clock));
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

/** The future is not history yet: one event from next month would fire every check before it. */
function futureProblems(occurredAt: string, clock?: LiveClock): Problem[] {
  if (!clock || Date.parse(occurredAt) <= clock.now + clock.maxSkewMs) return [];
  return [
    {
      path: 'occurredAt',
      rule: `must not be more than ${clock.maxSkewMs / 1000} s ahead of the engine's clock (${new Date(clock.now).toISOString()}; MAX_CLOCK_SKEW)`,
    },
  ];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
