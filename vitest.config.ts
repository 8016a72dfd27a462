import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests print their seed on failure; a fixed seed is set in each spec so CI reruns are identical.
    testTimeout: 60_000,
  },
});
