export * from './streams';
export * from './code-claim';
export * from './event-ingestor';
export * from './account-history';
