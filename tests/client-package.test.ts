import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SERVER_FEATURES, type RunningServer } from '@cua/computer-server';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers/server.js';

const run = promisify(execFile);
const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
const DIST = join(TESTS_DIR, '../packages/client/dist');

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const FORBIDDEN = [
  /require\(["']ws["']\)/,
  /from ["']ws["']/,
  /isomorphic-ws/,
  /["']node:/,
  /\bBuffer\b/,
  /zod/,
];

/** The browser entry and every file it imports, relative imports followed. */
async function browserFiles(entry: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    const text = await readFile(file, 'utf8');
    seen.set(file, text);
    for (const match of text.matchAll(/(?:from|import|require\()\s*["'](\.\.?\/[^"']+)["']/g)) {
      await visit(join(dirname(file), match[1]!));
    }
  };
  await visit(join(DIST, entry));
  return seen;
}

/** Runs a script with plain Node from tests/, where the package resolves as users see it. */
async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: TESTS_DIR, timeout: 15_000 });
  return stdout.trim();
}

describe('the root entry is browser-safe', () => {
  it.each(['index.js', 'index.cjs'])(
    'dist/%s and its imports: no ws, Node built-ins, Buffer',
    async (entry) => {
      const files = await browserFiles(entry);
      expect(files.size).toBeGreaterThan(0);
      for (const [file, text] of files) {
        // `node:` as a module specifier: esbuild's CJS output has a comment that says "in node:".
        for (const pattern of FORBIDDEN) {
          expect({ file, found: pattern.test(text) }).toEqual({ file, found: false });
        }
      }
    },
  );

  it('bundles small for the browser (no zod: results are checked by compiled shapes)', async () => {
    const result = await build({
      entryPoints: [join(DIST, 'index.js')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const gzipBytes = gzipSync(code).length;
    // Measured at 51.8 kB raw / 13.7 kB gzip (observe, batch, terminals, frames, binary replies,
    // accessibility and the envelope reader joined the 31.7 kB of 0.1); a budget with room, far
    // below zod's ~100 kB gzip.
    expect(code.length).toBeLessThan(56 * 1024);
    expect(gzipBytes).toBeLessThan(14 * 1024);
  });
});

describe('the provider adapters (subpath exports) are browser-safe too', () => {
  const ADAPTERS = ['anthropic', 'openai', 'gemini'];

  it.each(ADAPTERS.flatMap((name) => [`adapters/${name}.js`, `adapters/${name}.cjs`]))(
    'dist/%s and its imports: no ws, Node built-ins, Buffer, zod',
    async (entry) => {
      const files = await browserFiles(entry);
      for (const [file, text] of files) {
        for (const pattern of FORBIDDEN) {
          expect({ file, found: pattern.test(text) }).toEqual({ file, found: false });
        }
      }
    },
  );

  it('the root entry carries none of them', async () => {
    const files = await browserFiles('index.js');
    for (const [file, text] of files) {
      expect({ file, found: /AnthropicComputer|OpenAIComputer|GeminiComputer/.test(text) }).toEqual(
        { file, found: false },
      );
    }
  });

  it('each resolves by its subpath, with import and require', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const require = createRequire(process.cwd() + '/');
       const names = { anthropic: 'AnthropicComputer', openai: 'OpenAIComputer', gemini: 'GeminiComputer' };
       const seen = {};
       for (const [path, name] of Object.entries(names)) {
         const esm = await import('@cua/computer-client/' + path);
         const cjs = require('@cua/computer-client/' + path);
         seen[path] = typeof esm[name] === 'function' && typeof cjs[name] === 'function';
       }
       console.log(JSON.stringify(seen));`,
    ]);
    expect(JSON.parse(out)).toEqual({ anthropic: true, openai: true, gemini: true });
  });
});

describe('Node consumers', () => {
  it('CommonJS: require() gets the Node entry, with a WebSocket, and works', async () => {
    const out = await node([
      '-e',
      `const { Computer } = require('@cua/computer-client');
       const computer = new Computer({ url: process.argv[1] });
       computer.version().then(async (v) => {
         console.log(JSON.stringify(v));
         await computer.close();
       });`,
      server.url,
    ]);
    expect(JSON.parse(out)).toMatchObject({ protocol: 1, features: [...SERVER_FEATURES] });
  });

  it('ESM: import gets the Node entry, with a WebSocket, and works', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { Computer } from '@cua/computer-client';
       const computer = new Computer({ url: process.argv[1] });
       console.log(JSON.stringify(await computer.version()));
       await computer.close();`,
      server.url,
    ]);
    expect(JSON.parse(out)).toMatchObject({ protocol: 1, features: [...SERVER_FEATURES] });
  });

  it('the ./browser entry loads without ws, and its HTTP transport works in Node', async () => {
    const out = await node([
      '-e',
      `const { Computer } = require('@cua/computer-client/browser');
       const wsLoaded = Object.keys(require.cache).some((file) => /[\\\\/]ws[\\\\/]/.test(file));
       const computer = new Computer({ url: process.argv[1] });
       computer.version().then((v) => {
         console.log(JSON.stringify({ wsLoaded, protocol: v.protocol }));
       });`,
      server.httpUrl,
    ]);
    expect(JSON.parse(out)).toEqual({ wsLoaded: false, protocol: 1 });
  });

  it('errors are recognised across two copies (CJS and ESM), not only by instanceof', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import * as esm from '@cua/computer-client';
       const cjs = createRequire(process.cwd() + '/')('@cua/computer-client');
       const reply = { success: false, error: 'x', code: 'internal' };
       const error = new cjs.ComputerError('version', reply);
       const timeout = new cjs.TimeoutError('slow');
       console.log(JSON.stringify({
         differentClasses: esm.ComputerError !== cjs.ComputerError,
         instanceOf: error instanceof esm.ComputerError,
         isComputerError: esm.ComputerError.isInstance(error),
         isClientError: esm.CuaClientError.isInstance(error),
         timeoutIsTimeout: esm.TimeoutError.isInstance(timeout),
         timeoutIsConnection: esm.ConnectionError.isInstance(timeout),
       }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      differentClasses: true,
      instanceOf: false,
      isComputerError: true,
      isClientError: true,
      timeoutIsTimeout: true,
      timeoutIsConnection: false,
    });
  });
});
