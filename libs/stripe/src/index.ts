export * from './stripe-settings';
export * from './mapping';
export * from './map-stripe-event';
export * from './map-customer';
export * from './payment-links';
export * from './stripe-streams';
export * from './stripe-inbox';
export * from './stripe-remap';
