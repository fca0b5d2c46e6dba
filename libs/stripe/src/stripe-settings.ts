import { z } from 'zod';

/**
 * What the engine must know about a program's Stripe account: the webhook
 * endpoint's signing secret(s), which prices are which plans, and which
 * promotion codes or coupons stand for a referral. Each comes from its own
 * environment variable as JSON keyed by program.
 */

/** `{"callrail":"whsec_…"}`; a list while Stripe rolls the secret (old and new both verify). */
export const webhookSecretsSchema = z.record(
  z.string(),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);

/** The plan (and product, where the program has products) a Stripe price stands for. */
export const planOfPriceSchema = z.strictObject({
  plan: z.string().min(1),
  product: z.string().min(1).optional(),
});

/** `{"callrail":{"price_…":{"plan":"pro"}}}`: keyed by price id, price lookup_key or Stripe product id. */
export const priceMapSchema = z.record(z.string(), z.record(z.string(), planOfPriceSchema));

/** The referral a promotion code or coupon stands for: a code of the program, or the referrer itself. */
export const referralOfDiscountSchema = z.union([
  z.strictObject({ referralCode: z.string().min(1) }),
  z.strictObject({ referrerAccountId: z.string().min(1) }),
]);

/** `{"callrail":{"promo_…":{"referralCode":"CR-AGENCYA"},"FRIEND50":{"referrerAccountId":"cus_…"}}}`. */
export const promotionsSchema = z.record(
  z.string(),
  z.record(z.string(), referralOfDiscountSchema),
);

export type PlanOfPrice = z.infer<typeof planOfPriceSchema>;
export type ReferralOfDiscount = z.infer<typeof referralOfDiscountSchema>;

/** One program's Stripe settings, as the mapping reads them. */
export interface StripeProgramSettings {
  readonly prices: Readonly<Record<string, PlanOfPrice>>;
  readonly promotions: Readonly<Record<string, ReferralOfDiscount>>;
}

/** Every program's Stripe settings, as configuration gives them. */
export interface StripeSettings {
  readonly webhookSecrets: z.infer<typeof webhookSecretsSchema>;
  readonly priceMap: z.infer<typeof priceMapSchema>;
  readonly promotions: z.infer<typeof promotionsSchema>;
}

export const noStripeSettings: StripeSettings = {
  webhookSecrets: {},
  priceMap: {},
  promotions: {},
};

export const programSettings = (
  settings: StripeSettings,
  program: string,
): StripeProgramSettings => ({
  prices: ownValue(settings.priceMap, program) ?? {},
  promotions: ownValue(settings.promotions, program) ?? {},
});

/** The secrets a program's endpoint verifies with; none means the program has no Stripe endpoint. */
export function secretsOf(settings: StripeSettings, program: string): readonly string[] {
  const secret = ownValue(settings.webhookSecrets, program);
  return secret === undefined ? [] : typeof secret === 'string' ? [secret] : secret;
}

/**
 * A setting's value for a key that comes from outside (a URL's program, a
 * price id, a promotion code): own keys only, since `__proto__` or
 * `constructor` would otherwise find what every object inherits.
 */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;
