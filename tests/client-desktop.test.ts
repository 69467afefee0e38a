import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  findWindow,
  openRecordingTerminal,
  pointerPosition,
  waitFor,
  windowGeometry,
  x,
} from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { openEventWindow } from './helpers/xev.js';

// The client's desktop methods against the real server on a real Xvfb desktop: effects are
// checked with X tools (xdotool, xwininfo, xev, xclip), not with our own replies.
const ctx = useDesktopServer({ client: 'computer' });

describe('Computer on a real desktop', () => {
  it('screenshot() gives PNG/JPEG bytes of the screen with their size', async () => {
    x(ctx.display, 'xsetroot', ['-solid', '#204080']);
    const png = await ctx.computer.screenshot();
    expect(png).toMatchObject({ format: 'png', width: 1280, height: 800 });
    expect(png.data).toBeInstanceOf(Uint8Array);
    const meta = await sharp(png.data).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'png',
      width: 1280,
      height: 800,
    });
    const { data } = await sharp(png.data)
      .extract({ left: 2, top: 790, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([0x20, 0x40, 0x80]);

    const small = await ctx.computer.screenshot({ format: 'jpeg', quality: 70, maxWidth: 640 });
    expect(small).toMatchObject({ format: 'jpeg', width: 640, height: 400, scale: 0.5 });
    expect(await ctx.computer.toScreenCoordinates(100, 50)).toEqual([200, 100]);
    expect(await ctx.computer.toScreenshotCoordinates(200, 100)).toEqual([100, 50]);
  });

  it('getScreenSize, moveCursor, getCursorPosition', async () => {
    expect(await ctx.computer.getScreenSize()).toEqual({ width: 1280, height: 800 });
    await ctx.computer.moveCursor(321, 234);
    expect(pointerPosition(ctx.display)).toEqual({ x: 321, y: 234 });
    expect(await ctx.computer.getCursorPosition()).toEqual({ x: 321, y: 234 });
  });

  it('clicks, drag and scroll arrive as real events', async () => {
    const witness = await openEventWindow(ctx.display);
    try {
      const { x: cx, y: cy } = witness.center;
      await ctx.computer.leftClick(cx, cy);
      await ctx.computer.rightClick(cx, cy);
      await ctx.computer.middleClick(cx, cy);
      await ctx.computer.doubleClick(cx, cy);
      await ctx.computer.scrollUp(1);
      await ctx.computer.scrollDown(2);
      await ctx.computer.scrollDirection('left');
      await ctx.computer.mouseDown(cx - 50, cy - 50);
      await ctx.computer.mouseUp(cx + 50, cy + 50);
      await waitFor(() => (witness.presses().length >= 10 ? true : undefined), 5000, 'events');
      expect(witness.presses()).toEqual([1, 3, 2, 1, 1, 4, 5, 5, 6, 1]);
    } finally {
      await witness.close();
    }
  });

  it('typeText, pressKey, hotkey and held keys reach the focused app', async () => {
    const term = await openRecordingTerminal(ctx.display);
    try {
      await ctx.computer.typeText('Grüße 世界 @#$ ');
      await ctx.computer.pressKey('enter');
      await ctx.computer.keyDown('shift');
      await ctx.computer.pressKey('a');
      await ctx.computer.keyUp('shift');
      await ctx.computer.hotkey('ctrl', 'c');
      await ctx.computer.hotkey('ctrl+d');
      const expected = Buffer.concat([Buffer.from('Grüße 世界 @#$ \rA'), Buffer.from([3, 4])]);
      expect(await term.waitForBytes(expected.length)).toEqual(expected);
    } finally {
      await term.close();
    }
  });

  it('setClipboard / getClipboard interoperate with other X apps', async () => {
    await ctx.computer.setClipboard('copied ✓ 漢字');
    expect(x(ctx.display, 'xclip', ['-selection', 'clipboard', '-o'])).toBe('copied ✓ 漢字');
    expect(await ctx.computer.getClipboard()).toBe('copied ✓ 漢字');
    expect(await ctx.computer.copyToClipboard()).toBe('copied ✓ 漢字');
  });

  it('launch and the window methods act on a real window', async () => {
    const pid = await ctx.computer.launch('xterm', [
      '-T',
      'client-window',
      '-geometry',
      '40x10+50+60',
    ]);
    try {
      const windowId = await findWindow(ctx.display, 'client-window');
      // The window manager lists the window once it manages it, a moment after it appears.
      const found = await waitFor(
        async () => {
          const ids = await ctx.computer.getApplicationWindows('CLIENT-WINDOW');
          return ids.length > 0 ? ids : undefined;
        },
        5000,
        'the managed window',
      );
      expect(found).toEqual([Number(windowId)]);
      expect(await ctx.computer.getWindowName(Number(windowId))).toBe('client-window');
      const geometry = windowGeometry(ctx.display, windowId);
      expect(await ctx.computer.getWindowSize(windowId)).toEqual({
        width: geometry.width,
        height: geometry.height,
      });
      await ctx.computer.setWindowPosition(windowId, 300, 200);
      expect(windowGeometry(ctx.display, windowId)).toMatchObject({ x: 300, y: 200 });
      await ctx.computer.setWindowSize(windowId, 500, 300);
      const resized = windowGeometry(ctx.display, windowId);
      expect(Math.abs(resized.width - 500)).toBeLessThan(12);
      expect(Math.abs(resized.height - 300)).toBeLessThan(20);
      await ctx.computer.activateWindow(windowId);
      expect(await ctx.computer.getCurrentWindowId()).toBe(Number(windowId));
      expect(await ctx.computer.getDesktopEnvironment()).toBe('openbox');
      await ctx.computer.closeWindow(windowId);
      await waitFor(
        () => {
          try {
            process.kill(pid, 0);
            return undefined;
          } catch {
            return true;
          }
        },
        5000,
        'xterm to exit',
      );
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 30_000);
});

describe('commands run where the desktop is', () => {
  it('run_command sees the DISPLAY the server drives', async () => {
    const { stdout } = await ctx.computer.runCommand('echo "$DISPLAY"; xdotool getdisplaygeometry');
    expect(stdout).toBe(`${ctx.display}\n1280 800\n`);
  });
});
