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
    // import.meta.url (to find the desktop worker) also in the CommonJS build.
    shims: true,
    define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  },
  {
    // The CLI and the desktop worker use top-level await, so they ship as ESM only.
    entry: { cli: 'src/cli.ts', 'desktop-worker': 'src/desktop/nut/nut-worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  },
]);
