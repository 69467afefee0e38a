import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { openSlowFocusWindows, type SlowFocusWindows } from './helpers/slow-focus-windows.js';

// A click and the keys after it in one batch, as a model's "click, then type" arrives, on a
// desktop whose "window manager" focuses a clicked window only 80 ms later: without the wait
// for the focus, the keys go to the window that had it before.
const FOCUS_DELAY_MS = 80;
const WINDOWS = {
  before: { x: 20, y: 20, width: 200, height: 150 },
  slow: { x: 300, y: 20, width: 200, height: 150 },
  unfocusable: { x: 600, y: 20, width: 200, height: 150 },
};
const centre = (box: { x: number; y: number; width: number; height: number }) => ({
  x: box.x + box.width / 2,
  y: box.y + box.height / 2,
});

const ctx = useDesktopServer({ desktop: { windowManager: 'none' }, client: 'computer' });
let windows: SlowFocusWindows;

beforeEach(async () => {
  windows = await openSlowFocusWindows(ctx.display, WINDOWS, {
    focusOnClick: ['slow'],
    delayMs: FOCUS_DELAY_MS,
  });
  await windows.focus('before');
});

afterEach(() => windows.close());

async function clickThenType(at: { x: number; y: number }, text: string): Promise<void> {
  await ctx.computer.batch([
    { command: 'left_click', params: at },
    { command: 'type_text', params: { text } },
  ]);
}

const typed = (name: string, count: number) =>
  waitFor(() => (windows.keys(name) >= count ? true : undefined), 5000, `${count} keys in ${name}`);

describe('keys after a click', () => {
  it('wait for the window manager to focus the clicked window', async () => {
    await clickThenType(centre(WINDOWS.slow), 'abcd');
    await typed('slow', 4);
    expect(windows.keys('before')).toBe(0);
    expect(windows.keys('slow')).toBe(4);
  });

  it('go to the focused window when the click gives the focus to nobody', async () => {
    await clickThenType(centre(WINDOWS.unfocusable), 'xyz');
    await typed('before', 3);
    expect(windows.keys('unfocusable')).toBe(0);
    expect(windows.keys('before')).toBe(3);
  });

  it('go at once to the window that already had the focus', async () => {
    await clickThenType(centre(WINDOWS.before), 'ok');
    await typed('before', 2);
    expect(windows.keys('slow')).toBe(0);
  });
});
