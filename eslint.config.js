import fs from 'node:fs';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const databases = ['better-sqlite3', 'pg', 'kysely'];
const adapters = ['better-sqlite3', 'pg', 'ioredis', 'ws', '@fastify/websocket', 'fastify', 'node:fs', 'node:fs/promises', 'fs', 'node:net', 'node:http', 'node:worker_threads'];

// The server's folders, each with the folders it may import (ARCHITECTURE.md, "Layers"): data
// flows transcripts → ingest → store → live → api, and an import only ever points down this table.
const layers = {
  core: [],
  config: ['core'],
  demo: ['core'],
  store: ['core'],
  ingest: ['core', 'config', 'store'],
  live: ['core', 'config', 'store'],
  queries: ['core', 'config', 'store', 'ingest'],
  alerts: ['core', 'config', 'store', 'live'],
  api: ['core', 'config', 'store', 'live', 'queries', 'alerts'],
  cli: ['core', 'config', 'demo', 'store', 'ingest', 'live', 'queries', 'alerts', 'api'],
};
// Only store/ talks to a database; only live/ talks to Redis; core/ touches nothing outside.
const adapterRules = {
  core: adapters,
  store: ['ioredis'],
  live: databases,
};

function serverLayers() {
  const folders = Object.keys(layers);
  // A new folder takes its place in the table before lint passes: unlisted, it would be unchecked.
  const unlisted = fs
    .readdirSync(new URL('packages/server/src/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !folders.includes(entry.name));
  if (unlisted.length > 0) throw new Error(`eslint.config.js: add packages/server/src/${unlisted[0].name}/ to \`layers\``);
  // Relative paths only: a sub-folder of one layer shares a name with another layer (core/live/,
  // core/alerts/), so the pattern counts the `../` that lead from a file back up to src/.
  return Object.entries(layers).flatMap(([folder, allowed]) => {
    const refused = folders.filter((other) => other !== folder && !allowed.includes(other));
    const message = `${folder}/ may import only ${allowed.join(', ') || 'nothing from the server'}: an import points down the layers (ARCHITECTURE.md, "Layers")`;
    return [1, 2, 3].map((depth) => ({
      files: [`packages/server/src/${folder}/${'*/'.repeat(depth - 1)}*.ts`],
      ignores: ['**/*.test.ts'],
      rules: {
        // The same for import(): esquery's regex may hold no slash, hence \x2F.
        'no-restricted-syntax': refused.length === 0 ? 'off' : [
          'error',
          { selector: `ImportExpression[source.value=/^(\\.\\x2F)?(\\.\\.\\x2F){${depth}}(${refused.join('|')})\\x2F/]`, message },
        ],
        'no-restricted-imports': [
          'error',
          {
            paths: adapterRules[folder] ?? [...databases, 'ioredis'],
            patterns: refused.length === 0 ? [] : [
              {
                regex: `^(\\./)?(\\.\\./){${depth}}(${refused.join('|')})/`,
                message,
              },
            ],
          },
        ],
      },
    }));
  });
}

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
  // One no-restricted-imports config per folder (and depth): in a flat config a later object's
  // options replace an earlier one's for the same file, so overlapping objects would silently drop
  // a layer's rule. Each folder lists what it may import; every other server folder is refused.
  ...serverLayers(),
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
