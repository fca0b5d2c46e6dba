/** Injection tokens for the runtime's parts (interfaces have no runtime class to inject by). */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const INGESTOR = Symbol('INGESTOR');
export const QUERIES = Symbol('QUERIES');
export const REFERRAL_CODES = Symbol('REFERRAL_CODES');
export const PROGRAMS = Symbol('PROGRAMS');
export const READINESS = Symbol('READINESS');
export const PAYOUTS = Symbol('PAYOUTS');
export const CASH_APPROVALS = Symbol('CASH_APPROVALS');
export const PAYOUT_BATCHES = Symbol('PAYOUT_BATCHES');
export const CONFIG = Symbol('CONFIG');
