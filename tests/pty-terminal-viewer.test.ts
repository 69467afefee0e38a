import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@cua/computer-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { waitFor } from './helpers/desktop.js';
import { startExample, type RunningExample } from './helpers/examples.js';
import { startServer } from './helpers/server.js';

// The client's browser entry driving /pty from a page (fetch + server-sent events, CORS), with
// the terminal drawn by xterm.js: examples/terminal-viewer in Debian's Chromium.

let viewer: RunningExample;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The page starts the server user's login shell: give it a plain home, so no machine's own
  // ~/.bashrc (which may be slow, or wait for something) decides what the test sees.
  process.env.HOME = mkdtempSync(join(tmpdir(), 'cua-pty-home-'));
  const ready = /^terminal: (http:\/\/127\.0\.0\.1:\d+)\//m;
  viewer = await startExample('examples/terminal-viewer/serve.mjs', ['0'], {}, ready);
  server = await startServer({ allowOrigins: [viewer.match[1]!] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.stop();
  await server?.close();
});

/** What the terminal shows, row by row, from xterm's own buffer. */
function screenText(p: Page): Promise<string> {
  return p.evaluate(() => {
    type Line = { translateToString(trim: boolean): string };
    type Buffer = { length: number; getLine(i: number): Line | undefined };
    const { term } = (window as unknown as { __terminal: { term: { buffer: { active: Buffer } } } })
      .__terminal;
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)!.translateToString(true));
    return lines.join('\n');
  });
}

describe('examples/terminal-viewer in Chromium', () => {
  it('runs a shell on the server: typed keys in, output drawn by xterm.js, resized with the window', async () => {
    await page.goto(`${viewer.match[1]}/?server=${encodeURIComponent(server.httpUrl)}`);
    const pid = await waitFor(
      () =>
        page.evaluate(() => (window as unknown as { __terminal: { pid?: number } }).__terminal.pid),
      10_000,
      'the session',
    );
    expect(await page.textContent('#status')).toContain(`Shell ${pid}`);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toMatch(/sh/);

    await page.click('#terminal');
    await page.keyboard.type('echo "from the page: $((40+2))"\n');
    await waitFor(
      async () => ((await screenText(page)).includes('from the page: 42') ? true : undefined),
      10_000,
      'the echo',
    );

    const size = () =>
      page.evaluate(() => {
        const { term } = (
          window as unknown as { __terminal: { term: { cols: number; rows: number } } }
        ).__terminal;
        return { cols: term.cols, rows: term.rows };
      });
    const before = await size();
    await page.setViewportSize({ width: 500, height: 400 });
    // The fit addon refits on the window's resize event.
    const { cols, rows } = await waitFor(
      async () => {
        const now = await size();
        return now.cols !== before.cols ? now : undefined;
      },
      10_000,
      'the terminal to refit',
    );
    await waitFor(
      async () => {
        const info = (await (await fetch(`${server.httpUrl}/pty/${pid}`)).json()) as {
          cols: number;
          rows: number;
        };
        return info.cols === cols && info.rows === rows ? true : undefined;
      },
      10_000,
      'the resize to reach the server',
    );
    await page.keyboard.type('stty size\n');
    await waitFor(
      async () => ((await screenText(page)).includes(`${rows} ${cols}`) ? true : undefined),
      10_000,
      'stty size in the page',
    );

    await page.keyboard.type('exit\n');
    await waitFor(
      async () =>
        (await page.textContent('#status'))?.includes('exited with code 0') ? true : undefined,
      10_000,
      'the exit',
    );
    expect(pageErrors).toEqual([]);
  });
});
