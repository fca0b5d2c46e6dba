import { firstPathWhere, hasLoneSurrogate, identifier, type Problem } from '@referrals/contracts';
import type Stripe from 'stripe';

/** PostgreSQL's jsonb holds no U+0000 and no lone surrogate; a Stripe event is kept as received. */
const unstorable = (text: string) => text.includes('\u0000') || hasLoneSurrogate(text);

/**
 * What makes a signed body no Stripe event this endpoint can keep: an id no
 * stream can be named by, no `created` time, no `data.object`, or text the
 * store cannot hold. Stripe sends none of these; the signature proves only who
 * sent the body, so they are answered 400 with nothing stored, not a 500.
 */
export function stripeEnvelopeProblems(event: Stripe.Event): Problem[] {
  const problems: Problem[] = [];
  const id = identifier.safeParse(event.id);
  if (!id.success) problems.push(...id.error.issues.map((i) => ({ path: 'id', rule: i.message })));
  if (!Number.isSafeInteger(event.created) || !isTime(event.created * 1000))
    problems.push({ path: 'created', rule: 'must be a Unix time in seconds' });
  const data = event.data as { object?: unknown } | null | undefined;
  if (typeof data?.object !== 'object' || data.object === null || Array.isArray(data.object))
    problems.push({ path: 'data.object', rule: 'must be an object' });
  const text = firstPathWhere(event, unstorable, unstorable);
  // Said once: an id with U+0000 already broke the id rule.
  if (text !== undefined && !problems.some((problem) => problem.path === text))
    problems.push({ path: text, rule: 'must not contain U+0000 or a lone surrogate' });
  return problems;
}

const isTime = (ms: number) => !Number.isNaN(new Date(ms).getTime());
