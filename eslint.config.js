import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const databases = ['better-sqlite3', 'pg', 'kysely'];
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
  // One no-restricted-imports config per folder: in a flat config a later object's options replace
  // an earlier one's for the same file, so overlapping objects would silently drop a layer's rule.
  {
    // Only store/ talks to a database; only live/ talks to Redis.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/store/**', 'packages/server/src/live/**', 'packages/server/src/core/**', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [...databases, 'ioredis'] }] },
  },
  {
    files: ['packages/server/src/store/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['ioredis'] }] },
  },
  {
    files: ['packages/server/src/live/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: databases }] },
  },
  // core/ is pure: plain data in, plain data out; no adapters, no I/O. core/live/ is its own
  // (the pure live state); the server's live/ is one folder up from core/ itself.
  ...[
    ['packages/server/src/core/*.ts', '../live/**'],
    ['packages/server/src/core/*/**/*.ts', '../../live/**'],
  ].map(([files, serverLive]) => ({
    files: [files],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: adapters, patterns: ['**/store/**', '**/ingest/**', serverLive, '**/api/**', '**/cli/**', '**/config/**'] }],
    },
  })),
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
