export * from './primitives';
export * from './billing-event.schema';
export * from './program-catalog';
export * from './problems';
export * from './validate-billing-event';
export * from './forbidden-keys';
export * from './json-paths';
