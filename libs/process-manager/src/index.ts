export * from './reorder-window';
export * from './referral-process-manager';
export * from './decision-log';
export * from './check-timers';
export * from './leases';
export * from './program-leaders';
export * from './applied-log';
export * from './storable-views';
