import { z } from 'zod';
import { hasLoneSurrogate, PROGRAM_ID_PATTERN } from '@referrals/contracts';
import { isKnownCalendar } from '../time/business-calendar';
import { roundingModeSchema } from '../time/rounding';

/**
 * A referral program is data: this rule set says which plans and products it
 * sells, who may refer, what triggers a reward, and how much each side earns.
 * The built-in programs and every what-if variant are JSON files of this shape.
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lower-case id');
const amount = z.number().int().min(0);

/**
 * Words for people, printed by `referrals programs` and the pages: no control
 * character (an escape sequence in a name would restyle the analyst's
 * terminal) and no lone surrogate. A description may have line breaks.
 */
const readableText = (max: number, { lineBreaks = false } = {}) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      (s) => !(lineBreaks ? DISPLAY_CONTROL : ANY_CONTROL).test(s),
      lineBreaks
        ? 'must not contain control characters other than line breaks and tabs'
        : 'must not contain control characters',
    )
    .refine((s) => !hasLoneSurrogate(s), 'must not contain a lone surrogate');
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DISPLAY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const basisPoints = z.number().int().min(0).max(1_000_000);

export const rewardAmountSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed'), amount }),
  /** By the referee's plan when the trigger fires; a plan missing here forfeits (`plan_not_eligible`). */
  z.strictObject({ type: z.literal('by_plan'), amounts: z.record(z.string(), amount) }),
  /** By the referee's product when the trigger fires; a product missing here forfeits (`product_not_eligible`). */
  z.strictObject({ type: z.literal('by_product'), amounts: z.record(z.string(), amount) }),
  /** A share of the referee's plan units (minutes), e.g. 2500 bp = 25 %. */
  z.strictObject({
    type: z.literal('percent_of_plan_units'),
    basisPoints,
    rounding: roundingModeSchema,
  }),
  /** A share of the payment that fired the reward (recurring credits). */
  z.strictObject({
    type: z.literal('percent_of_payment'),
    basisPoints,
    rounding: roundingModeSchema,
  }),
]);

export const rewardKindSchema = z.enum(['bonus_minutes', 'account_credit', 'cash', 'discount']);
export type RewardKind = z.infer<typeof rewardKindSchema>;

export const rewardSpecSchema = z
  .strictObject({
    role: z.enum(['referrer', 'referee']),
    kind: rewardKindSchema,
    amount: rewardAmountSchema,
    /**
     * When the reward lapses: `months_after_earning` (`expiresAfterMonths` calendar months
     * after it is earned), or `billing_cycle` (when the beneficiary's current billing cycle
     * ends, its latest `currentPeriodEnd` known when earned; `expiresAfterMonths` when none
     * is known or it has passed).
     */
    expiry: z.enum(['months_after_earning', 'billing_cycle']).default('months_after_earning'),
    // At most a century: every instant is in 2000-2099, and a date a billion months on is no date.
    expiresAfterMonths: z.number().int().min(1).max(1200).optional(),
    /** Payable by the nth business day of the month it is earned in (see the program's `businessCalendar`). */
    dueByBusinessDay: z.number().int().min(1).max(23).optional(),
  })
  .refine((spec) => spec.expiry !== 'billing_cycle' || spec.expiresAfterMonths !== undefined, {
    path: ['expiresAfterMonths'],
    message: 'billing_cycle expiry needs expiresAfterMonths for a beneficiary with no known cycle',
  });

const triggerBase = {
  id,
  rewards: z.array(rewardSpecSchema).min(1),
  /**
   * A side reward (e.g. a referee's discount): earned only while the referral is pending,
   * and the referral's status never waits on it; the other triggers decide the referral.
   */
  sideReward: z.boolean().default(false),
};

export const triggerSchema = z.discriminatedUnion('on', [
  /** The referee's first `subscription.activated`; `products`/`plans` limit which first subscriptions count. */
  z.strictObject({
    on: z.literal('first_activation'),
    ...triggerBase,
    products: z.array(z.string()).min(1).optional(),
    plans: z.array(z.string()).min(1).optional(),
  }),
  /** The referee's successful, unrefunded payments reach `count`. */
  z.strictObject({
    on: z.literal('successful_payments'),
    ...triggerBase,
    count: z.number().int().min(1),
  }),
  /**
   * A check at 00:00 UTC on the first day of the `monthsAfterFirstPayment`th month after the
   * month of the referee's first successful payment; the referee must be active then.
   */
  z.strictObject({
    on: z.literal('monthly_check'),
    ...triggerBase,
    monthsAfterFirstPayment: z.number().int().min(1).max(120),
    /**
     * The referee must still be a paying client at the check: its latest payment attempt
     * did not fail and it has a successful payment left (else `referee_not_paying`).
     */
    mustBePaying: z.boolean().default(false),
  }),
  /** Every successful payment of the referee while it stays a client (a recurring reward). */
  z.strictObject({ on: z.literal('each_successful_payment'), ...triggerBase }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const planSchema = z.strictObject({
  id: z.string().min(1),
  /** Units the plan includes per month (minutes), where rewards are a share of them. */
  units: z.number().int().min(0).optional(),
  /** Monthly price in minor units, for reading only. */
  price: z.number().int().min(0).optional(),
});

export const programSchema = z
  .strictObject({
    id: z.string().regex(PROGRAM_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,63}$'),
    name: readableText(200),
    description: readableText(2000, { lineBreaks: true }).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** Plans lowest to highest, or `any` where plans are free-form within a product. */
    plans: z.union([z.literal('any'), z.array(planSchema).min(1)]),
    products: z.array(z.string().min(1)).min(1).optional(),
    eligibility: z
      .strictObject({
        referrerMustBeSubscribed: z.boolean().default(false),
        referrerMustNotBePartner: z.boolean().default(false),
        /** When a partner referrer is looked for: at the referee's signup, and/or at a monthly check. */
        partnerCheckedAt: z
          .array(z.enum(['signup', 'check']))
          .min(1)
          .default(['signup']),
        /** Referrals per referrer that may be eligible; later ones are `referrer_cap_reached`. */
        maxReferralsPerReferrer: z.number().int().min(1).optional(),
      })
      .default({
        referrerMustBeSubscribed: false,
        referrerMustNotBePartner: false,
        partnerCheckedAt: ['signup'],
      }),
    /**
     * Which days count as business days for `dueByBusinessDay`: `weekdays` (Monday to Friday),
     * or a country code whose public holidays (on their observed dates) are skipped too,
     * e.g. `US` for the US federal calendar.
     */
    businessCalendar: z
      .string()
      .refine(isKnownCalendar, 'must be weekdays or a country code date-holidays knows, such as US')
      .default('weekdays'),
    triggers: z.array(triggerSchema).min(1),
  })
  .superRefine((program, ctx) => {
    const ids = program.triggers.map((t) => t.id);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['triggers'], message: 'trigger ids must be unique' });
    }
    // A plan or product named twice would make "lowest to highest" and the amounts by it a guess.
    const plans = program.plans === 'any' ? [] : program.plans.map((plan) => plan.id);
    if (new Set(plans).size !== plans.length)
      ctx.addIssue({ code: 'custom', path: ['plans'], message: 'plan ids must be unique' });
    const products = program.products ?? [];
    if (new Set(products).size !== products.length)
      ctx.addIssue({ code: 'custom', path: ['products'], message: 'products must be unique' });
    program.triggers.forEach((trigger, t) =>
      trigger.rewards.forEach((reward, r) => {
        if (reward.amount.type === 'percent_of_plan_units') {
          const unitless =
            program.plans === 'any' || program.plans.some((p) => p.units === undefined);
          if (unitless) {
            ctx.addIssue({
              code: 'custom',
              path: ['triggers', t, 'rewards', r, 'amount'],
              message: 'percent_of_plan_units needs `units` on every plan',
            });
          }
        }
        if (reward.amount.type === 'by_product' && !program.products) {
          ctx.addIssue({
            code: 'custom',
            path: ['triggers', t, 'rewards', r, 'amount'],
            message: 'by_product needs the program to define products',
          });
        }
      }),
    );
  });

export type Program = z.infer<typeof programSchema>;
export type RewardSpec = z.infer<typeof rewardSpecSchema>;
export type RewardAmount = z.infer<typeof rewardAmountSchema>;
