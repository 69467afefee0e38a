// X11Windows against a real but bare X server (no window manager): the test writes the EWMH
// lists itself, so windows that vanished after being listed and a window manager that never
// answers are deterministic. The happy paths under openbox are in tests/windows.test.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualDisplay, type VirtualDisplay } from '../xvfb.js';
import { windowGeometry } from './geometry.js';
import { readProperty } from './properties.js';
import { formatWindowId, parseWindowId } from './window-id.js';
import { windowManagerName } from './window-manager.js';
import { X11Windows } from './windows.js';
import { X11Connection } from './x11-connection.js';

const SETTLE_MS = 150;
/** An id no client of a fresh Xvfb has (ids are handed out from 0x200000 on, per client). */
const DEAD = 0x7654321;

let screen: VirtualDisplay;
let connection: X11Connection;
let windows: X11Windows;
let xterm: ChildProcess;
let live: number;

function xprop(args: string[]): string {
  const run = spawnSync('xprop', args, {
    env: { ...process.env, DISPLAY: screen.display },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`xprop ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** Writes the root's window list the way a window manager would. */
function setRootWindows(name: string, ids: number[]): void {
  xprop(['-root', '-f', name, '32x', '-set', name, ids.map(formatWindowId).join(',')]);
}

async function waitForWindow(title: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = spawnSync('xdotool', ['search', '--name', `^${title}$`], {
      env: { ...process.env, DISPLAY: screen.display },
      encoding: 'utf8',
    });
    const id = run.stdout.trim().split('\n')[0];
    if (run.status === 0 && id) return Number(id);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no window titled ${title}`);
}

beforeAll(async () => {
  screen = await startVirtualDisplay({ width: 800, height: 600, windowManager: 'none' });
  connection = await X11Connection.open({ display: screen.display });
  windows = new X11Windows({
    connection: () => Promise.resolve(connection),
    settleTimeoutMs: SETTLE_MS,
    closeTimeoutMs: SETTLE_MS,
  });
  xterm = spawn('xterm', ['-T', 'bare-xterm', '-geometry', '40x10+10+20'], {
    env: { ...process.env, DISPLAY: screen.display },
    stdio: 'ignore',
  });
  live = await waitForWindow('bare-xterm');
}, 30_000);

afterAll(async () => {
  xterm?.kill('SIGKILL');
  await connection?.close();
  await screen?.stop();
});

describe('X11Windows without a window manager', () => {
  it('says an EWMH window manager is missing, and has no window manager name', async () => {
    await expect(windows.name(live)).rejects.toMatchObject({
      code: 'command_failed',
      message: expect.stringMatching(/No EWMH window manager/),
    });
    await expect(windows.activeWindow()).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/does not publish _NET_ACTIVE_WINDOW/),
    });
    expect(await windowManagerName(connection)).toBeUndefined();
  });

  it('turns BadWindow and BadDrawable into not_found for the window', async () => {
    await expect(readProperty(connection, DEAD, 'WM_NAME')).rejects.toMatchObject({
      code: 'not_found',
      message: `Window not found: 0x7654321 (${DEAD})`,
    });
    await expect(windowGeometry(connection, DEAD)).rejects.toMatchObject({ code: 'not_found' });
    // The connection is none the worse for it.
    expect(await readProperty(connection, live, 'WM_NAME')).toBeDefined();
  });

  it('treats a listed window that has vanished as not found, and skips it in searches', async () => {
    setRootWindows('_NET_CLIENT_LIST', [DEAD, live]);
    setRootWindows('_NET_ACTIVE_WINDOW', [DEAD]);
    for (const call of [
      () => windows.name(DEAD),
      () => windows.geometry(DEAD),
      () => windows.setSize(DEAD, 100, 100),
      () => windows.setPosition(DEAD, 5, 5),
      () => windows.activeWindowBounds(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await windows.applicationWindows('')).toEqual([live]);
    expect(await windows.applicationWindows('BARE-XTERM')).toEqual([live]);
    expect(await windows.name(live)).toBe('bare-xterm');
  });

  it('reports a state change nobody carries out as command_failed once the settle time is up', async () => {
    setRootWindows('_NET_CLIENT_LIST', [live]);
    const started = Date.now();
    await expect(windows.maximize(live)).rejects.toMatchObject({
      code: 'command_failed',
      message: `The window manager did not maximize window ${formatWindowId(live)}`,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SETTLE_MS);
    await expect(windows.minimize(live)).rejects.toMatchObject({ code: 'command_failed' });
    await expect(windows.activate(live)).rejects.toMatchObject({ code: 'command_failed' });
    await expect(windows.close(live)).rejects.toMatchObject({
      code: 'command_failed',
      message: expect.stringMatching(/still open after 150 ms/),
    });
  });

  it('moves and resizes an unmanaged window directly, within its size increments', async () => {
    setRootWindows('_NET_CLIENT_LIST', [live]);
    await windows.setPosition(live, 70, 80);
    expect(await windows.geometry(live)).toMatchObject({ x: 70, y: 80 });
    await windows.setSize(live, 300, 200);
    const { width, height } = await windows.geometry(live);
    // xterm's WM_NORMAL_HINTS ask for whole character cells.
    expect(Math.abs(width - 300)).toBeLessThan(20);
    expect(Math.abs(height - 200)).toBeLessThan(30);
  });
});

describe('parseWindowId', () => {
  it('takes numbers, decimal and hex strings, and names what it refuses', () => {
    expect(parseWindowId(123)).toBe(123);
    expect(parseWindowId(' 123 ')).toBe(123);
    expect(parseWindowId('0x7B')).toBe(123);
    expect(parseWindowId(0xffffffff)).toBe(0xffffffff);
    for (const bad of [0, -1, 1.5, 0x100000000, '', '0x', '12a', 'not-a-window']) {
      expect(() => parseWindowId(bad)).toThrow(
        expect.objectContaining({
          code: 'invalid_params',
          message: expect.stringContaining(JSON.stringify(bad)),
        }),
      );
    }
  });
});
