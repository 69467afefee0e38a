import type { AccessibilityNode } from '@cua/computer-protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { startChromium, windowTitle, type ChromiumPage } from './helpers/a11y-apps.js';
import { flatten, redOnScreen, useAccessibleDesktopServer } from './helpers/a11y-server.js';
import { findWindow, waitFor, x } from './helpers/desktop.js';

/** A page whose state shows in its title, so the X window title is the oracle. */
const PAGE = `<!doctype html>
<html><head><title>A11y Page</title>
<style>
  body { margin: 0; background: #fff; }
  #submit { position: absolute; left: 100px; top: 150px; width: 200px; height: 60px;
            background: #ff0000; color: #ff0000; border: none; }
</style></head>
<body>
  <h1>Order form</h1>
  <label for="email">Email</label>
  <input id="email" oninput="document.title = 'typed:' + this.value">
  <button id="submit" onclick="document.title = 'Clicked'">Submit order</button>
</body></html>`;

let chromium: ChromiumPage;
let windowId: string;

const a11y = useAccessibleDesktopServer({
  closeApps: () => chromium?.close(),
  timeoutMs: 90_000,
});
const { ctx, call, ok } = a11y;

beforeAll(async () => {
  // The first call switches org.a11y.Status.IsEnabled on: Chromium reads it when it starts.
  await ok('get_accessibility_tree', { scope: 'all' });
  chromium = startChromium(a11y.bus.env, PAGE);
  windowId = await findWindow(ctx.display, 'A11y Page - Chromium', 30_000);
  x(ctx.display, 'xdotool', ['windowactivate', '--sync', windowId]);
  await waitFor(
    async () =>
      (await call('find_element', { role: 'button', title: 'Submit order' })).success
        ? true
        : undefined,
    30_000,
    'the page on the accessibility bus',
  );
}, 90_000);

describe('Chromium with a local page', () => {
  it('the focused window tree holds the page: document, heading, entry and button', async () => {
    const reply = await ok('get_accessibility_tree');
    const nodes = flatten(reply.tree as AccessibilityNode);
    expect(nodes[0]).toMatchObject({ role: 'frame', name: 'A11y Page - Chromium' });
    expect(nodes[0]!.window_id).toBe(Number(windowId));
    const find = (role: string, name: string) =>
      nodes.find((n) => n.role === role && n.name === name);
    expect(find('document web', 'A11y Page')).toBeDefined();
    expect(find('heading', 'Order form')).toBeDefined();
    expect(find('entry', 'Email')?.states).toContain('editable');
    expect(find('push button', 'Submit order')?.states).toContain('focusable');
    expect(reply.text).toMatch(/\[e\d+\] push button "Submit order" @\d+,\d+ 200x60/);
  });

  it('bounds match where the button is on the screenshot', async () => {
    const { element } = await ok('find_element', { role: 'button', title: 'Submit order' });
    const { x: bx, y: by, width, height } = (element as AccessibilityNode).bounds!;
    expect({ width, height }).toEqual({ width: 200, height: 60 });
    const red = await redOnScreen(ok);
    expect([
      red(bx + 2, by + 2),
      red(bx + width - 3, by + height - 3),
      red(bx + 100, by + 30),
    ]).toEqual([true, true, true]);
    expect([
      red(bx - 3, by + 30),
      red(bx + width + 2, by + 30),
      red(bx + 100, by - 3),
      red(bx + 100, by + height + 2),
    ]).toEqual([false, false, false, false]);
  });

  it('click_element presses the button: the page changes its title', async () => {
    const { element } = await ok('find_element', { role: 'button', title: 'Submit order' });
    const reply = await ok('click_element', { id: (element as AccessibilityNode).id });
    expect(reply).toMatchObject({ method: 'action', action: 'press' });
    await waitFor(
      () => (windowTitle(ctx.display, windowId) === 'Clicked - Chromium' ? true : undefined),
      10_000,
      'the title Clicked',
    );
  });

  it('set_element_value puts text in the input (the page sees its input events)', async () => {
    const { element } = await ok('find_element', { role: 'entry', title: 'Email' });
    const reply = await ok('set_element_value', {
      id: (element as AccessibilityNode).id,
      value: 'ada@example.com',
    });
    expect(reply.value).toBe('ada@example.com');
    await waitFor(
      () =>
        windowTitle(ctx.display, windowId) === 'typed:ada@example.com - Chromium'
          ? true
          : undefined,
      10_000,
      'the typed title',
    );
    const read = await ok('get_element', { id: (element as AccessibilityNode).id });
    expect((read.element as { text?: string }).text).toBe('ada@example.com');
  });

  it('is fast enough to read every step', async () => {
    const reply = await ok('get_accessibility_tree');
    expect(reply.elapsed_ms as number).toBeLessThan(1500);
    expect(reply.node_count as number).toBeGreaterThan(10);
  });
});
