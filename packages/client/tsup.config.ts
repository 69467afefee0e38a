import { defineConfig } from 'tsup';

export default defineConfig({
  // Adapters are their own entries (subpath exports), so the root entry stays small.
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    'adapters/anthropic': 'src/adapters/anthropic.ts',
    'adapters/openai': 'src/adapters/openai.ts',
    'adapters/gemini': 'src/adapters/gemini.ts',
  },
  format: ['esm', 'cjs'],
  // The few runtime helpers taken from the protocol (binary replies) are bundled in, so the
  // dist has no bare imports (a browser without a bundler follows only relative ones) and
  // tree-shaking keeps zod out.
  noExternal: ['@cua/computer-protocol/wire'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
});
