/**
 * One jest run covers every tier: `*.spec.ts` beside the code (pure),
 * `*.int.spec.ts` (real PostgreSQL / Redis / PGlite) and `test/` (end to end).
 * Sources are transpiled without type-checking; `npm run typecheck` does that once.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // ESM-only packages that CommonJS packages require (Node >= 20.19 loads them natively, jest does not).
    '/node_modules/content-disposition/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleNameMapper: {
    '^@referrals/(contracts|domain|event-store|ingestion|projections|process-manager|runtime|rewards|stripe|temp-folders)$':
      '<rootDir>/libs/$1/src/index.ts',
    '^@referrals/worker$': '<rootDir>/apps/worker/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // Generous: integration tests start real servers, and CI shares two cores with them.
  testTimeout: 60000,
};
