import { builtinModules } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { x } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { build as viteBuild } from 'vite';

const CLIENT_DIR = fileURLToPath(new URL('../packages/client/', import.meta.url));
const ROOT = [0x11, 0x88, 0xcc];

/** The app: what a user of the package writes. It reports back through window.__result. */
const MAIN_JS = `
import { Computer } from '@cua/computer-client';

window.__result = (async () => {
  const computer = new Computer({ url: new URLSearchParams(location.search).get('server') });
  try {
    const version = await computer.version();
    const screen = await computer.getScreenSize();
    const shot = await computer.screenshot({ maxWidth: 640 });
    const bitmap = await createImageBitmap(new Blob([shot.data], { type: 'image/' + shot.format }));
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    document.body.append(canvas);
    return {
      protocol: version.protocol,
      features: version.features,
      screen,
      shot: {
        format: shot.format,
        width: shot.width,
        height: shot.height,
        scale: shot.scale,
        isUint8Array: shot.data instanceof Uint8Array,
      },
      canvas: { width: canvas.width, height: canvas.height },
      pixel: [...context.getImageData(5, canvas.height - 5, 1, 1).data.slice(0, 3)],
    };
  } catch (error) {
    return { error: String(error) };
  } finally {
    await computer.close();
  }
})();
`;

const page = (script: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>client</title>${head}</head>` +
  `<body><script type="module" src="${script}"></script></body></html>`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/** Serves `root`, and the client's dist/ under /client/ (for the page without a bundler). */
async function staticServer(root: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.startsWith('/client/')
      ? join(CLIENT_DIR, 'dist', path.slice('/client/'.length))
      : join(root, path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const { origin } = await listenOnLoopback(server);
  return { origin, server };
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dir, name));
}

/** Fails on anything that only works in Node: `ws`, Node built-ins, the Node entry. */
function expectBrowserOnly(files: string[]) {
  expect(files.length).toBeGreaterThan(0);
  const text = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  expect(text).toContain('to_screen_coordinates'); // the client is in there
  expect(text).not.toMatch(/require\(\s*["']ws["']\s*\)/);
  expect(text).not.toMatch(/from\s*["']ws["']/);
  expect(text).not.toMatch(/["']node:/);
  // A bundle made for Node inlines `ws`, which requires http, net, events…: none of that here.
  const builtins = builtinModules.filter((name) => !name.startsWith('_')).join('|');
  expect(text).not.toMatch(new RegExp(`require\\(\\s*["'](${builtins})["']\\s*\\)`));
  expect(text).not.toMatch(new RegExp(`from\\s*["'](${builtins})["']`));
  expect(text).not.toContain('isomorphic-ws');
  expect(text).not.toContain('perMessageDeflate'); // only the Node entry sets it
}

let pages: Awaited<ReturnType<typeof staticServer>>;
let browser: Browser;

const tmp = useTempDir('cua-browser-client-');
beforeAll(async () => {
  // The app as a user has it: its own folder, the package installed in node_modules.
  const app = join(tmp.path, 'app');
  mkdirSync(join(app, 'node_modules', '@cua'), { recursive: true });
  symlinkSync(CLIENT_DIR, join(app, 'node_modules', '@cua', 'computer-client'), 'dir');
  writeFileSync(join(app, 'main.js'), MAIN_JS);
  writeFileSync(join(app, 'index.html'), page('./main.js'));
  const www = join(tmp.path, 'www');

  // 1. Vite, with its defaults for the browser.
  await viteBuild({
    root: app,
    base: './',
    configFile: false,
    logLevel: 'silent',
    build: { outDir: join(www, 'vite'), emptyOutDir: true, minify: false },
  });

  // 2. A plain ESM bundle from esbuild.
  mkdirSync(join(www, 'esbuild'), { recursive: true });
  await esbuild({
    entryPoints: [join(app, 'main.js')],
    outfile: join(www, 'esbuild', 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  writeFileSync(join(www, 'esbuild', 'index.html'), page('./main.js'));

  // 3. No bundler: the package's dist/ as published, through an import map.
  mkdirSync(join(www, 'plain'), { recursive: true });
  writeFileSync(join(www, 'plain', 'main.js'), MAIN_JS);
  const importMap = JSON.stringify({ imports: { '@cua/computer-client': '/client/index.js' } });
  const mapTag = `<script type="importmap">${importMap}</script>`;
  writeFileSync(join(www, 'plain', 'index.html'), page('./main.js', mapTag));

  pages = await staticServer(www);
}, 90_000);
afterAll(() => pages?.server.close());

const ctx = useDesktopServer({
  server: ({ display }) => {
    const hex = ROOT.map((v) => v.toString(16).padStart(2, '0')).join('');
    x(display, 'xsetroot', ['-solid', `#${hex}`]);
    return { display, allowOrigins: [pages.origin] };
  },
});
beforeAll(async () => {
  browser = await launchChromium();
}, 30_000);
afterAll(() => browser?.close());

describe('the client in a real browser (headless Chromium)', () => {
  it('bundles for the browser entry: no ws, no Node built-ins', () => {
    expectBrowserOnly(jsFiles(join(tmp.path, 'www', 'vite')));
    expectBrowserOnly(jsFiles(join(tmp.path, 'www', 'esbuild')));
    // Without a bundler the browser follows dist/index.js's imports: only relative ones (the
    // adapters in dist/adapters/ share chunks one folder up).
    const dist = jsFiles(join(CLIENT_DIR, 'dist')).filter((file) => !/node\.(c?js)$/.test(file));
    for (const file of dist.filter((f) => f.endsWith('.js'))) {
      const specifiers = [...readFileSync(file, 'utf8').matchAll(/\bfrom\s*["']([^"']+)["']/g)];
      expect(
        specifiers.map((m) => m[1]).filter((s) => !/^\.\.?\//.test(s!)),
        file,
      ).toEqual([]);
    }
  });

  it.each(['vite', 'esbuild', 'plain'])(
    '%s: connects to a real server, calls version() and screenshot(), draws the screen',
    async (variant) => {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      try {
        const query = `server=${encodeURIComponent(ctx.server.url)}`;
        await tab.goto(`${pages.origin}/${variant}/index.html?${query}`);
        await tab.waitForFunction(() => '__result' in window, undefined, { timeout: 10_000 });
        const result = await tab.evaluate(
          () => (window as unknown as { __result: Promise<unknown> }).__result,
        );
        expect(errors).toEqual([]);
        expect(result).toEqual({
          protocol: 1,
          features: expect.arrayContaining(['request-id']) as unknown,
          screen: { width: 1280, height: 800 },
          shot: { format: 'png', width: 640, height: 400, scale: 0.5, isUint8Array: true },
          canvas: { width: 640, height: 400 },
          pixel: ROOT,
        });
        expect(await tab.locator('canvas').count()).toBe(1);
      } finally {
        await tab.close();
      }
    },
    30_000,
  );
});
