import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Real displays, real processes: generous bounds for a loaded 2-core CI machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
