import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'tests'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
