export * from './config';
export * from './runtime';
export * from './referral-codes';
export * from './redis';
export * from './public-urls';
