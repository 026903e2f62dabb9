import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
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
    // The web app runs in a browser, speaks only the protocol, and never imports the server.
    files: ['packages/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: ['claudelens', ...adapters, 'node:path', 'node:os', 'node:child_process'],
          patterns: [{ group: ['**/server/**', 'claudelens/*', '@claudelens/server', '@claudelens/server/*'], message: 'web talks to the server over HTTP and WebSockets only: import wire types from @claudelens/protocol' }],
        },
      ],
    },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/web/**'] }] },
  },
);
