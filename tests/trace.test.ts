// Traces: a small scripted run through our client, then the trace folder read back (timeline,
// screenshots, video) and its viewer opened in Chromium, which must show the actions, the click
// position on the frame and the call's JSON.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Computer } from '@cua/computer-client';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { openRecordingTerminal } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';

let browser: Browser;

interface Action {
  command: string;
  success: boolean;
  params: Record<string, unknown>;
  reply: Record<string, unknown>;
  before?: string;
  after?: string;
  point?: { x: number; y: number };
  started_ms: number;
}

const tmp = useTempDir('cua-trace-test-');
const ctx = useDesktopServer({ desktop: { width: 800, height: 600 } });
beforeAll(async () => {
  browser = await launchChromium();
}, 30_000);
afterAll(() => browser?.close());

describe('tracing', () => {
  it('records a run into a folder whose viewer shows each action', async () => {
    const terminal = await openRecordingTerminal(ctx.display);
    const computer = new Computer({ url: ctx.server.url });
    const path = join(tmp.path, 'run');
    try {
      expect(await computer.tracing.start({ path })).toEqual({ path });
      await computer.leftClick(200, 150);
      await computer.typeText('hi ✓');
      await computer.writeText(join(tmp.path, 'secret.txt'), 'file contents stay out');
      await computer.screenshot({ format: 'jpeg' });
      await computer.call('move_cursor', { x: -5, y: 10 });
      const stopped = await computer.tracing.stop();
      expect(stopped).toEqual({ path, viewer: join(path, 'index.html'), actions: 5 });
    } finally {
      await computer.close();
      await terminal.close();
    }

    const trace = JSON.parse(readFileSync(join(path, 'trace.json'), 'utf8')) as {
      video?: string;
      actions: Action[];
    };
    expect(trace.actions.map((a) => a.command)).toEqual([
      'left_click',
      'type_text',
      'write_bytes',
      'screenshot',
      'move_cursor',
    ]);
    const [click, type, write, shot] = trace.actions as [Action, Action, Action, Action];
    expect(click).toMatchObject({ success: true, point: { x: 200, y: 150 } });
    // Input actions have frames before and after; the after frame shows what was typed.
    for (const action of [click, type]) {
      expect(existsSync(join(path, action.before!))).toBe(true);
      expect(existsSync(join(path, action.after!))).toBe(true);
      const meta = await sharp(join(path, action.after!)).metadata();
      expect([meta.width, meta.height]).toEqual([800, 600]);
    }
    expect(type.params).toEqual({ text: 'hi ✓' });
    // File contents are summarised, images stored apart.
    expect(JSON.stringify(write)).not.toContain('file contents stay out');
    expect(shot.reply.image_data).toMatchObject({ omitted: 'image' });
    expect(shot.before).toBeUndefined();
    expect(trace.video).toBe('video.mp4');
    expect(existsSync(join(path, 'video.mp4'))).toBe(true);

    const page = await browser.newPage();
    try {
      await page.goto(pathToFileURL(join(path, 'index.html')).href);
      await expect.poll(() => page.locator('#list li').count()).toBe(5);
      expect(await page.locator('#title').textContent()).toBe('left_click');
      // The marker sits on the click, scaled like the frame on the page.
      const frame = await page.locator('#before img').boundingBox();
      const marker = await page.locator('#before .marker').boundingBox();
      const natural = await page
        .locator('#before img')
        .evaluate((img: HTMLImageElement) => img.naturalWidth);
      const scale = frame!.width / natural;
      expect(Math.abs(marker!.x + marker!.width / 2 - (frame!.x + 200 * scale))).toBeLessThan(4);
      expect(Math.abs(marker!.y + marker!.height / 2 - (frame!.y + 150 * scale))).toBeLessThan(4);
      // Scrubbing selects another action and shows its call.
      await page.locator('#scrub').fill('1');
      expect(await page.locator('#title').textContent()).toBe('type_text');
      expect(await page.locator('#call').textContent()).toContain('"text": "hi ✓"');
      await page.locator('#list li').nth(4).click();
      expect(await page.locator('#title').textContent()).toBe('move_cursor');
    } finally {
      await page.close();
    }
  }, 40_000);

  it('refuses a second trace, and says when none runs', async () => {
    const computer = new Computer({ url: ctx.server.url });
    try {
      await computer.tracing.start({ path: join(tmp.path, 'one'), video: false });
      await expect(computer.tracing.start()).rejects.toMatchObject({ code: 'command_failed' });
      await computer.tracing.stop();
      await expect(computer.tracing.stop()).rejects.toMatchObject({ code: 'not_found' });
      expect(existsSync(join(tmp.path, 'one', 'video.mp4'))).toBe(false);
    } finally {
      await computer.close();
    }
  });
});
