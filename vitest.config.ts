import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: workflow bundling and the embedded servers are CPU-heavy, so keep files from starving each other.
    maxWorkers: 2,
  },
});
