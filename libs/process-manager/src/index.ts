export * from './reorder-window';
export * from './referral-process-manager';
export * from './check-timers';
