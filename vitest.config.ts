import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests spawn the built CLI and real watchers: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'], exclude: ['packages/web/**', '**/node_modules/**'] },
      },
      {
        // The web app's components and client modules, in a simulated DOM.
        extends: true,
        plugins: [react()],
        test: { name: 'web', include: ['packages/web/src/**/*.test.{ts,tsx}'], environment: 'jsdom', setupFiles: ['packages/web/src/test/setup.ts'] },
      },
      {
        // The real server and Debian's Chromium; one file at a time, after the other projects.
        extends: true,
        test: { name: 'browser', include: ['packages/web/test/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
