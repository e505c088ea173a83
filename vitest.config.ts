import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are heavy (hundreds of MB each): two workers fit the 2-core machine.
    maxWorkers: 2,
  },
});
