export * from './sql-database';
export * from './read-model.schema';
export * from './schema-steps';
export * from './read-model.writer';
export * from './read-model.queries';
export * from './event-projection';
