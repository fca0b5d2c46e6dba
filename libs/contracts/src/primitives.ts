import { z } from 'zod';

/** Contract §1 field rules shared by several event types. */

export const PROGRAM_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const REFERRAL_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;

// ISO-4217 codes as the runtime knows them, so the list is never written by hand.
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export const programId = z
  .string()
  .regex(PROGRAM_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,63}$');

export const identifier = z
  .string()
  .min(1, 'must be 1 to 200 characters')
  .max(200, 'must be 1 to 200 characters');

export const referralCode = z
  .string()
  .regex(REFERRAL_CODE_PATTERN, 'must match ^[A-Z0-9][A-Z0-9-]{3,31}$');

/** An ISO-8601 date-time that names its offset (`Z` or `+hh:mm`), so it is one instant. */
export const instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time with an offset or Z',
});

/** Money is an integer in minor units, as Stripe sends it. */
export const minorUnits = z
  .number({ message: 'must be an integer amount in minor units' })
  .int('must be an integer amount in minor units')
  .min(0, 'must be 0 or more');

export const currency = z
  .string()
  .refine((c) => ISO_4217.has(c), 'must be an ISO-4217 currency code in upper case, e.g. USD');

export const shortText = (max: number) =>
  z.string().min(1, `must be 1 to ${max} characters`).max(max, `must be 1 to ${max} characters`);

export const email = shortText(320).refine((e) => e.includes('@'), 'must be an email address');
