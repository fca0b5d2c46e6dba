export * from './config';
export * from './runtime';
export * from './referral-codes';
export * from './redis';
export * from './public-urls';
export * from './migrations';
export * from './when-available';
export * from './start-up-failures';
