/** Temporal tests share real servers: run with --runInBand (see package.json). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/helpers/isolated-env.js'],
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
