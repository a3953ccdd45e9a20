/**
 * Lint, as the Temporal samples do: promises are awaited (no-floating-promises), and workflow code
 * imports nothing that is not deterministic or that would bloat every cached workflow.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { defineConfig } = require('eslint/config');

/** What workflow code must not import (types are fine: they are erased). */
const WORKFLOW_RESTRICTED = [
  {
    group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https'],
    message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.',
  },
  {
    group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
    message: 'Workflows use @temporalio/workflow only.',
  },
  {
    group: ['**/activities', '**/activities/**', '!**/contracts/activities'],
    message: 'Workflows call activities through proxyActivities and the contracts ports, never their code.',
  },
  {
    group: ['**/client/**', '**/config/**', '**/worker/**', '**/runtime/**', '**/web/**', '**/documents/**'],
    message: 'Workflows sit below the client, config, worker, web and documents.',
  },
  { group: ['**/domain/email/**'], message: 'Mail is rendered by activities, not workflows.' },
  {
    group: [
      '**/domain/plan/load',
      '**/domain/plan/check',
      '**/domain/calendar-data',
      '**/domain/statutory',
      '**/domain/holiday-notice',
      '**/domain/ledger',
      '**/domain/report-parser',
      '**/domain/report/**',
      '**/domain/weekly',
    ],
    message: 'Plan loading and the holiday data stay outside workflows: workflows get what they need in their input.',
  },
  {
    group: [
      'zod',
      'yaml',
      'exceljs',
      'csv-parse',
      'nodemailer',
      'chinese-days',
      'chinese-days/**',
      'eta',
      'ical-generator',
      'mailparser',
      'jsonc-parser',
      'docx',
      'fastify',
      'echarts',
    ],
    message: 'Heavy or I/O modules bloat every cached workflow.',
  },
];

module.exports = defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', 'test/histories/**', 'bench/results/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: WORKFLOW_RESTRICTED.map((p) => ({ ...p, allowTypeImports: true })) },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's one script runs in the browser, with ECharts loaded before it.
    files: ['client/web/static/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', echarts: 'readonly' } },
  },
);
