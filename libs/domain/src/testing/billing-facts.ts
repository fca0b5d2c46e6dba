import type { BillingEvent, BillingEventOf, BillingEventType } from '@referrals/contracts';

/**
 * Billing events as a test writes them: `signedUp('bob', { referralCode: 'ALICE-1' }, at)`.
 * The program and the upstream id are filled in by the scenario unless a fact names them,
 * so a test spells only what its rule is about.
 */
export type FactOf<T extends BillingEventType> = Omit<BillingEventOf<T>, 'program' | 'id'> & {
  readonly program?: string;
  readonly id?: string;
};
export type Fact = { [T in BillingEventType]: FactOf<T> }[BillingEventType];

type DataOf<T extends BillingEventType> = BillingEventOf<T>['data'];

const fact = <T extends BillingEventType>(
  type: T,
  accountId: string,
  data: DataOf<T>,
  occurredAt: string,
) => ({ type, accountId, occurredAt, data }) as unknown as FactOf<T>;

export const codeAssigned = (accountId: string, code: string, at: string) =>
  fact('referral_code.assigned', accountId, { code }, at);

export const signedUp = (accountId: string, data: DataOf<'account.signed_up'>, at: string) =>
  fact('account.signed_up', accountId, data, at);

export const updated = (accountId: string, data: DataOf<'account.updated'>, at: string) =>
  fact('account.updated', accountId, data, at);

export const activated = (accountId: string, data: DataOf<'subscription.activated'>, at: string) =>
  fact('subscription.activated', accountId, data, at);

export const planChanged = (
  accountId: string,
  data: DataOf<'subscription.plan_changed'>,
  at: string,
) => fact('subscription.plan_changed', accountId, data, at);

export const cancelled = (accountId: string, at: string, reason?: string) =>
  fact('subscription.cancelled', accountId, reason === undefined ? {} : { reason }, at);

type Payment = { invoiceId: string; amount: number; currency?: string };

export const paid = (
  accountId: string,
  {
    currency = 'USD',
    ...payment
  }: Payment & { paymentMethodFingerprint?: string; currentPeriodEnd?: string },
  at: string,
) => fact('payment.succeeded', accountId, { currency, ...payment }, at);

export const paymentFailed = (accountId: string, { currency = 'USD', ...p }: Payment, at: string) =>
  fact('payment.failed', accountId, { currency, ...p }, at);

export const refunded = (accountId: string, { currency = 'USD', ...p }: Payment, at: string) =>
  fact('payment.refunded', accountId, { currency, ...p }, at);

/** The same fact under an explicit upstream id (to deliver it twice, or to name it). */
export const withId = <F extends Fact>(id: string, f: F): F => ({ ...f, id });

/** The fact in another program than the scenario's. */
export const inProgram = <F extends Fact>(program: string, f: F): F => ({ ...f, program });

/** The complete inbound event: the scenario's program and a generated id unless the fact has its own. */
export const toBillingEvent = (f: Fact, program: string, index: number): BillingEvent =>
  ({ ...f, program: f.program ?? program, id: f.id ?? `evt-${index + 1}` }) as BillingEvent;
