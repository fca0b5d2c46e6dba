export * from './ledger.schema';
export * from './reward-payout';
export * from './payout-queue';
export * from './cash-approvals';
export * from './webhook-signature';
export * from './webhook-sender';
export * from './deliveries';
export * from './reward-lifecycle';
