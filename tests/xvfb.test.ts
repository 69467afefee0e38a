import { afterAll, describe, expect, it } from 'vitest';
import {
  openRecordingTerminal,
  pointerPosition,
  startDesktop,
  x,
  type VirtualDisplay,
} from './helpers/desktop.js';

describe('virtual display (Xvfb + openbox)', () => {
  const displays: VirtualDisplay[] = [];
  afterAll(async () => {
    for (const display of displays) await display.stop();
  });

  it('starts on a free display with the asked size and an EWMH window manager', async () => {
    const desktop = await startDesktop({ width: 1024, height: 768 });
    displays.push(desktop);
    expect(desktop.display).toMatch(/^:\d+$/);
    expect(x(desktop.display, 'xdpyinfo', [])).toContain('dimensions:    1024x768 pixels');
    expect(x(desktop.display, 'wmctrl', ['-m'])).toMatch(/Name: Openbox/);
    expect(pointerPosition(desktop.display)).toEqual({ x: 512, y: 384 });
  });

  it('runs two displays side by side and stops them', async () => {
    const a = await startDesktop({ windowManager: 'none' });
    const b = await startDesktop({ windowManager: 'none' });
    expect(a.display).not.toBe(b.display);
    await a.stop();
    await a.exited;
    expect(() => x(a.display, 'xdpyinfo', [])).toThrow();
    expect(x(b.display, 'xdpyinfo', [])).toContain('1280x800');
    await b.stop();
  });

  it('restarts on a given display number after the X server died', async () => {
    const first = await startDesktop({ windowManager: 'none' });
    process.kill(first.xvfbPid, 'SIGKILL');
    await first.exited;
    await first.stop();
    const again = await startDesktop({ display: first.display, windowManager: 'none' });
    displays.push(again);
    expect(x(again.display, 'xdpyinfo', [])).toContain('1280x800');
  });

  it('records what is typed into a terminal, byte for byte', async () => {
    const desktop = displays[0]!;
    const term = await openRecordingTerminal(desktop.display);
    x(desktop.display, 'xdotool', ['type', '--window', term.windowId, 'hi']);
    expect((await term.waitForBytes(2)).toString()).toBe('hi');
    await term.close();
  });
});
