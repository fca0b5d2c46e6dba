import { z } from 'zod';
import {
  currency,
  email,
  identifier,
  identifierOf,
  instant,
  minorUnits,
  programId,
  referralCode,
  shortText,
} from './primitives';

/**
 * CONTRACT §1: the inbound billing events. Every `data` object is strict:
 * an unknown key is an error, never silently dropped.
 */

const accountDetails = {
  email: email.optional(),
  organizationId: identifier.optional(),
  name: shortText(200).optional(),
  partner: z.boolean().optional(),
};

const planChoice = {
  plan: shortText(100),
  product: shortText(100).optional(),
  /** When the billing cycle this event starts ends (KallyAI's minutes last until then). */
  currentPeriodEnd: instant.optional(),
};

const invoice = {
  invoiceId: identifier,
  amount: minorUnits,
  currency,
};

export const eventDataSchemas = {
  'referral_code.assigned': z.strictObject({ code: referralCode }),
  'account.signed_up': z.strictObject({
    // Looked up case-insensitively: codes are upper case, people type them.
    referralCode: identifierOf(64).optional(),
    referrerAccountId: identifier.optional(),
    ...accountDetails,
  }),
  'account.updated': z.strictObject(accountDetails),
  'subscription.activated': z.strictObject(planChoice),
  'subscription.plan_changed': z.strictObject(planChoice),
  'subscription.cancelled': z.strictObject({ reason: shortText(500).optional() }),
  'payment.succeeded': z.strictObject({
    ...invoice,
    paymentMethodFingerprint: identifier.optional(),
    /** The end of the billing cycle this invoice pays for. */
    currentPeriodEnd: instant.optional(),
  }),
  'payment.failed': z.strictObject(invoice),
  'payment.refunded': z.strictObject(invoice),
} as const;

export type BillingEventType = keyof typeof eventDataSchemas;
export const BILLING_EVENT_TYPES = Object.keys(eventDataSchemas) as [
  BillingEventType,
  ...BillingEventType[],
];

/** The fields every event has; `data` is checked by its type afterwards. */
export const envelopeSchema = z.strictObject({
  id: identifier,
  type: z.enum(BILLING_EVENT_TYPES, {
    message: `must be one of ${BILLING_EVENT_TYPES.join(', ')}`,
  }),
  program: programId,
  accountId: identifier,
  occurredAt: instant,
  data: z.record(z.string(), z.unknown(), { message: 'must be an object' }),
});

const eventOf = <T extends BillingEventType>(type: T) =>
  envelopeSchema.extend({ type: z.literal(type), data: eventDataSchemas[type] });

/** The whole event as one discriminated union: the type the rest of the code speaks. */
export const billingEventSchema = z.discriminatedUnion('type', [
  eventOf('referral_code.assigned'),
  eventOf('account.signed_up'),
  eventOf('account.updated'),
  eventOf('subscription.activated'),
  eventOf('subscription.plan_changed'),
  eventOf('subscription.cancelled'),
  eventOf('payment.succeeded'),
  eventOf('payment.failed'),
  eventOf('payment.refunded'),
]);

export type BillingEvent = z.infer<typeof billingEventSchema>;
export type BillingEventOf<T extends BillingEventType> = Extract<BillingEvent, { type: T }>;
