import { Computer } from '@cua/computer-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import {
  findWindow,
  openRecordingTerminal,
  pointerPosition,
  sleep,
  waitFor,
  windowGeometry,
  x,
  type RecordingTerminal,
} from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { startExample, type RunningExample } from './helpers/examples.js';
import { startServer } from './helpers/server.js';
import { openEventWindow } from './helpers/xev.js';

// Wider than the viewer's 1280-pixel frames, so the screenshot is scaled (0.8), and the page
// shows the frame smaller still: a click goes through both scalings.
const SCREEN = { width: 1600, height: 1000 };
const ROOT = [0x2a, 0x7f, 0x3f] as const;

let viewer: RunningExample;
let browser: Browser;
let term: RecordingTerminal;
let witness: Awaited<ReturnType<typeof openEventWindow>>;
let page: Page;
const pageErrors: string[] = [];

const ctx = useDesktopServer({
  desktop: SCREEN,
  server: async ({ display }) => {
    const hex = ROOT.map((v) => v.toString(16).padStart(2, '0')).join('');
    x(display, 'xsetroot', ['-solid', `#${hex}`]);
    term = await openRecordingTerminal(display, 'viewer-term');
    witness = await openEventWindow(display);
    // The page is served by the example itself; its origin is what the server must allow.
    const ready = /^viewer: (http:\/\/127\.0\.0\.1:\d+)\//m;
    viewer = await startExample('examples/browser-viewer/serve.mjs', ['0'], {}, ready);
    return { display, allowOrigins: [viewer.match[1]!] };
  },
  afterServer: async () => {
    await witness?.close();
    await term?.close();
  },
  timeoutMs: 60_000,
});
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await viewer?.stop();
});

/** The picture's geometry on the page, and a pixel of its current frame. */
function picture(page: Page, at: { x: number; y: number }) {
  return page.evaluate((at) => {
    const img = document.getElementById('screen') as HTMLImageElement;
    const box = img.getBoundingClientRect();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    return {
      left: box.left + img.clientLeft,
      top: box.top + img.clientTop,
      width: img.clientWidth,
      height: img.clientHeight,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      frames: Number(img.dataset.frames ?? 0),
      pixel: [...context.getImageData(at.x, at.y, 1, 1).data.slice(0, 3)],
    };
  }, at);
}

describe('examples/browser-viewer in headless Chromium', () => {
  it('serves the page and tells how to start the server', () => {
    const origin = viewer.match[1]!;
    expect(viewer.output().stdout).toContain(
      `start the server with: npm start -- --allow-origin ${origin}`,
    );
  });

  it('shows the live desktop; a click on the picture clicks that spot on the target', async () => {
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${viewer.match[1]}/?server=${encodeURIComponent(ctx.server.url)}`);
    await page.waitForFunction(
      () => {
        const img = document.getElementById('screen') as HTMLImageElement | null;
        return img !== null && img.naturalWidth > 0 && Number(img.dataset.frames ?? 0) >= 1;
      },
      undefined,
      { timeout: 15_000 },
    );

    // The frame is the desktop: the root colour near the bottom-right corner (JPEG, so nearly).
    const corner = { x: 1270, y: 790 };
    const shown = await picture(page, corner);
    expect([shown.naturalWidth, shown.naturalHeight]).toEqual([1280, 800]);
    expect(shown.width).toBeLessThan(shown.naturalWidth);
    const distance = shown.pixel.reduce((sum, v, i) => sum + Math.abs(v - ROOT[i]!), 0);
    expect(distance, `pixel ${shown.pixel.join(',')}`).toBeLessThan(30);
    expect(await page.textContent('#status')).toMatch(/^Connected to .*, screen 1600x1000\.$/);

    // The xev window has the focus; aim at the middle of the terminal on the picture.
    const witnessId = await findWindow(ctx.display, 'xev-witness');
    x(ctx.display, 'xdotool', ['windowactivate', '--sync', witnessId]);
    witness.clear();
    const box = windowGeometry(ctx.display, term.windowId);
    const aim = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const onPage = {
      x: Math.round(shown.left + (aim.x * shown.width) / SCREEN.width),
      y: Math.round(shown.top + (aim.y * shown.height) / SCREEN.height),
    };
    // Where that page point is on the screen: the picture shows the whole screen, scaled.
    const expected = {
      x: ((onPage.x - shown.left) * SCREEN.width) / shown.width,
      y: ((onPage.y - shown.top) * SCREEN.height) / shown.height,
    };
    await page.mouse.click(onPage.x, onPage.y);
    const pointer = await waitFor(
      () => {
        const at = pointerPosition(ctx.display);
        return Math.abs(at.x - expected.x) <= 2 && Math.abs(at.y - expected.y) <= 2
          ? at
          : undefined;
      },
      5000,
      `the pointer at ${JSON.stringify(expected)}`,
    );
    await page.waitForFunction(() =>
      /^Clicked at \d+,\d+\.$/.test(document.getElementById('status')!.textContent ?? ''),
    );
    expect(await page.textContent('#status')).toBe(`Clicked at ${pointer.x},${pointer.y}.`);
    expect(witness.presses()).toEqual([]);

    // Live: a change on the screen comes as a new frame, and a still screen sends none.
    await sleep(1000);
    const still = (await picture(page, corner)).frames;
    await sleep(1000);
    expect((await picture(page, corner)).frames).toBe(still);
    x(ctx.display, 'xsetroot', ['-solid', '#c02040']);
    await page.waitForFunction(
      (before) => Number(document.getElementById('screen')!.dataset.frames) > before,
      still,
      { timeout: 10_000 },
    );
    await waitFor(
      async () => {
        const now = await picture(page, corner);
        return Math.abs(now.pixel[0]! - 0xc0) < 20 && Math.abs(now.pixel[1]! - 0x20) < 20
          ? true
          : undefined;
      },
      5000,
      'the new root colour on the page',
    );
  }, 45_000);

  it('"Take control" pauses an agent on another connection until it is handed back', async () => {
    const agent = new Computer({ url: ctx.server.url });
    try {
      await page.check('#control');
      await page.waitForFunction(() =>
        document.getElementById('status')!.textContent?.startsWith('You have control'),
      );
      await expect(agent.moveCursor(5, 5)).rejects.toMatchObject({ code: 'paused' });
      await page.uncheck('#control');
      await page.waitForFunction(() =>
        document.getElementById('status')!.textContent?.startsWith('Control handed back'),
      );
      await agent.moveCursor(5, 5);
      expect(pointerPosition(ctx.display)).toEqual({ x: 5, y: 5 });
    } finally {
      await agent.close();
    }
  });

  it('tells how to let the page in when the server refuses its origin', async () => {
    const closed = await startServer({ display: ctx.display });
    const tab = await browser.newPage();
    try {
      await tab.goto(`${viewer.match[1]}/?server=${encodeURIComponent(closed.url)}`);
      await tab.waitForFunction(() =>
        document.getElementById('status')!.textContent?.startsWith('Could not connect'),
      );
      expect(await tab.textContent('#status')).toContain(`--allow-origin ${viewer.match[1]}?`);
      expect(await tab.getAttribute('#screen', 'src')).toBeNull();
    } finally {
      await tab.close();
      await closed.close();
    }
  });

  it('types the text box on the target, into the window the click focused', async () => {
    const text = 'from the browser ✓ ünïcode';
    await page.fill('#text', text);
    await page.click('#type');
    const expected = Buffer.from(text, 'utf8');
    expect((await term.waitForBytes(expected.length)).equals(expected)).toBe(true);
    await page.waitForFunction(() =>
      document.getElementById('status')!.textContent?.startsWith('Typed'),
    );
    expect(await page.inputValue('#text')).toBe('');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
