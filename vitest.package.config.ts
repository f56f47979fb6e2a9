import { defineConfig } from 'vitest/config';

// The tests of what users install: the packed tarball and the GitHub Action. They install from the
// registry (or npm's cache) into scratch folders, so they run on their own, after the main suite.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
