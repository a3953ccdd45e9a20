/** Temporal tests share real servers: run with --runInBand (see package.json). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // *.cluster.test.ts need the production cluster: `npm run test:cluster` (scripts/test-cluster.ts) runs them.
  testPathIgnorePatterns: ['/node_modules/', '\\.cluster\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // Packages of the web stack published as ES modules only (content-disposition 3 under @fastify/static,
    // cookie 2 under Fastify's inject), @fastify/cookie, which loads cookie with import(), and the reply parser
    // (email-reply-parser): Node loads them; Jest's CommonJS sandbox needs them in CommonJS (import() becomes require).
    '/node_modules/(content-disposition|cookie|@fastify/cookie|email-reply-parser)/.+\\.js$': [
      '@swc/jest',
      { module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@fastify/cookie|email-reply-parser)/)'],
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/helpers/isolated-env.js'],
  // Temporary directories under one per run, removed at its end.
  globalSetup: '<rootDir>/test/helpers/scratch.js',
  globalTeardown: '<rootDir>/test/helpers/scratch-teardown.js',
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
