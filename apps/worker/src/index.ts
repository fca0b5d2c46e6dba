export * from './queues.module';
export * from './worker.module';
export * from './worker-control';
export * from './start-worker';
