import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const adapters = ['better-sqlite3', 'pg', 'ioredis', 'ws', '@fastify/websocket', 'fastify', 'node:fs', 'node:fs/promises', 'fs', 'node:net', 'node:http', 'node:worker_threads'];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.bench/**', 'fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // core/ is pure: plain data in, plain data out; no adapters, no I/O.
    files: ['packages/server/src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: adapters, patterns: ['**/store/**', '**/ingest/**', '**/live/**', '**/api/**', '**/cli/**', '**/config/**'] }],
    },
  },
  {
    // Only store/ talks to a database.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/store/**', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['better-sqlite3', 'pg', 'kysely'] }] },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/web/**'] }] },
  },
);
