import type { BillingEvent, BillingEventType } from './billing-event.schema';
import {
  FieldCheck,
  isBoolean,
  isCurrency,
  isEmail,
  isIdentifier,
  isIdentifierOf,
  isInstant,
  isMinorUnits,
  isProgramId,
  isReferralCode,
  isShortText,
} from './fast-field-checks';

/**
 * The success path of validateBillingEvent without zod: billing-event.schema.ts
 * written out as field lists, walked over a parsed JSON value. It answers the
 * event exactly as `billingEventSchema.safeParse` would return it, or
 * `undefined` for "not sure", and then zod decides and names the problems.
 * It never says yes to what zod refuses (fast-billing-event-check.spec.ts).
 *
 * zod returns a new object with the schema's keys in the schema's order. When
 * the input's keys already come in that order it is returned itself (no
 * allocation at all); otherwise the objects are copied in the schema's order,
 * so the value is the same one either way, down to the order JSON.stringify
 * writes it in.
 *
 * Only plain data is taken (objects whose prototype is Object.prototype, own
 * enumerable keys); anything else (class instances, inherited or hidden keys,
 * keys present with `undefined`) is left to zod.
 */
export function fastBillingEventCheck(input: unknown): BillingEvent | undefined {
  if (!isPlainObject(input)) return undefined;
  const data = input.data;
  const dataFields = typeof input.type === 'string' ? DATA_FIELDS.get(input.type) : undefined;
  if (dataFields === undefined || !isPlainObject(data)) return undefined;
  const dataAsIs = walk(data, dataFields);
  if (dataAsIs === undefined) return undefined;
  const envelopeAsIs = walk(input, ENVELOPE_FIELDS);
  if (envelopeAsIs === undefined) return undefined;
  if (dataAsIs && envelopeAsIs) return input as unknown as BillingEvent;
  const event = inSchemaOrder(input, ENVELOPE_FIELDS);
  event.data = dataAsIs ? data : inSchemaOrder(data, dataFields);
  return event as unknown as BillingEvent;
}

interface Field {
  readonly key: string;
  readonly check: FieldCheck;
  readonly optional: boolean;
}
const required = (key: string, check: FieldCheck): Field => ({ key, check, optional: false });
const optional = (key: string, check: FieldCheck): Field => ({ key, check, optional: true });

/** `data` is checked by its own list; here it only has to be there, as a plain object. */
const ENVELOPE_FIELDS: readonly Field[] = [
  required('id', isIdentifier),
  required('type', (v) => typeof v === 'string'),
  required('program', isProgramId),
  required('accountId', isIdentifier),
  required('occurredAt', isInstant),
  required('data', isPlainObject),
];

const accountDetails = [
  optional('email', isEmail),
  optional('organizationId', isIdentifier),
  optional('name', isShortText(200)),
  optional('partner', isBoolean),
];
const planChoice = [
  required('plan', isShortText(100)),
  optional('product', isShortText(100)),
  optional('currentPeriodEnd', isInstant),
];
const invoice = [
  required('invoiceId', isIdentifier),
  required('amount', isMinorUnits),
  required('currency', isCurrency),
];

/** eventDataSchemas, key for key and in the same order. */
const DATA_FIELDS = new Map<string, readonly Field[]>(
  Object.entries({
    'referral_code.assigned': [required('code', isReferralCode)],
    'account.signed_up': [
      optional('referralCode', isIdentifierOf(64)),
      optional('referrerAccountId', isIdentifier),
      ...accountDetails,
    ],
    'account.updated': accountDetails,
    'subscription.activated': planChoice,
    'subscription.plan_changed': planChoice,
    'subscription.cancelled': [optional('reason', isShortText(500))],
    'payment.succeeded': [
      ...invoice,
      optional('paymentMethodFingerprint', isIdentifier),
      optional('currentPeriodEnd', isInstant),
    ],
    'payment.failed': invoice,
    'payment.refunded': invoice,
  } satisfies Record<BillingEventType, readonly Field[]>),
);

/**
 * Checks `object` against `fields`: `true` if every rule holds and its keys come in the
 * schema's order, `false` if they hold in another order, `undefined` if not sure.
 */
function walk(object: Record<string, unknown>, fields: readonly Field[]): boolean | undefined {
  let present = 0;
  for (const field of fields) {
    const value = object[field.key];
    if (value === undefined) {
      // Absent is fine when optional. A key present as `undefined` (zod copies it as such)
      // is counted below as a key with no value found for it.
      if (!field.optional) return undefined;
    } else {
      if (!field.check(value)) return undefined;
      present++;
    }
  }
  // Every enumerable key must be one of the fields (strict objects), and between them they
  // must be all the fields found above (no hidden one zod would read and copy). An inherited
  // key (only Object.prototype's, as objects are plain) shows in `for…in` on the envelope and
  // on `data` alike, and no field is in both (as a spec checks): it is refused on one of them.
  let seen = 0;
  let inOrder = true;
  let next = 0;
  for (const key in object) {
    const at = indexOf(fields, key);
    if (at < 0) return undefined;
    if (at < next) inOrder = false;
    next = at + 1;
    seen++;
  }
  return seen === present ? inOrder : undefined;
}

function indexOf(fields: readonly Field[], key: string): number {
  for (let i = 0; i < fields.length; i++) if (fields[i].key === key) return i;
  return -1;
}

/** What zod builds: the present keys, in the schema's order. */
function inSchemaOrder(
  object: Record<string, unknown>,
  fields: readonly Field[],
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const field of fields) {
    const value = object[field.key];
    if (value !== undefined) copy[field.key] = value;
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}
