import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  },
  {
    // The CLI uses top-level await, so it ships as ESM only.
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  },
]);
