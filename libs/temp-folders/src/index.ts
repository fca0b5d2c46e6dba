export * from './process-folder';
