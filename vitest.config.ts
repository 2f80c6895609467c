import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ once, so that tests spawning `node bin/cnnc.js` run the current sources
    globalSetup: ['test/global-setup.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/**/tmp/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
