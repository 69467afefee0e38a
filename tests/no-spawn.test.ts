// Screen, pointer, keyboard and window commands speak the X protocol on the server's own
// connection: a real server in this process, every such command run through it, and not one
// child process started meanwhile. The counter is shown to see spawns of every kind first.
import { spawn, spawnSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openRecordingTerminal,
  pointerPosition,
  waitFor,
  windowGeometry,
  x,
} from './helpers/desktop.js';
import { SESSION_VARIABLES, useDesktopServer, useUnsetEnv } from './helpers/desktop-server.js';
import { countSpawns } from './helpers/spawn-counter.js';

const WAIT_MS = 10_000;
const TEST_MS = 30_000;
// Unset, so that get_desktop_environment has to ask the window manager.
useUnsetEnv(SESSION_VARIABLES);
const ctx = useDesktopServer({ client: 'raw', timeoutMs: TEST_MS });
const terminals: number[] = [];
const tag = `${process.pid}-${Date.now() % 100_000}`;

function clientList(): number[] {
  const out = x(ctx.display, 'xprop', ['-root', '_NET_CLIENT_LIST']);
  return (out.match(/0x[0-9a-f]+/gi) ?? []).map((hex) => Number.parseInt(hex, 16));
}

function windowPid(id: number): number | undefined {
  const out = x(ctx.display, 'xprop', ['-id', String(id), '_NET_WM_PID']);
  const match = /= (\d+)/.exec(out);
  return match === null ? undefined : Number(match[1]);
}

/** An xterm started by the test itself (before counting), and its managed window. */
async function terminal(title: string, geometry: string): Promise<number> {
  const child = spawn('xterm', ['-T', title, '-geometry', geometry], {
    env: { ...process.env, DISPLAY: ctx.display, LC_ALL: 'C.UTF-8' },
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  terminals.push(child.pid!);
  return waitFor(
    () => clientList().find((id) => windowPid(id) === child.pid),
    WAIT_MS,
    `the window of ${title}`,
  );
}

afterAll(() => {
  for (const pid of terminals) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

describe('desktop commands start no process', () => {
  it('the counter sees every way of starting one', async () => {
    const counter = countSpawns();
    try {
      await promisify(execFile)('true', ['exec-file']);
      spawnSync('true', ['spawn-sync']);
      const child = spawn('true', ['spawn'], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      counter.stop();
    }
    expect(counter.commands).toEqual(['true exec-file', 'true spawn-sync', 'true spawn']);
  });

  it(
    'every window command, and the window manager name, run on the X connection alone',
    async () => {
      const main = await terminal(`Main ${tag}`, '80x24+40+50');
      const other = await terminal(`tëst 世界 ${tag}`, '40x10+600+300');
      const results: Record<string, unknown>[] = [];
      const run = async (command: string, params: Record<string, unknown> = {}) => {
        const reply = await ctx.client.request({ command, params });
        results.push({ command, ...reply });
        return reply;
      };

      const counter = countSpawns();
      try {
        await run('get_desktop_environment');
        await run('get_application_windows', { app: tag });
        await run('get_window_name', { window_id: main });
        await run('get_window_name', { window_id: `0x${other.toString(16)}` });
        await run('get_window_size', { window_id: main });
        await run('get_window_position', { window_id: main });
        await run('set_window_size', { window_id: main, width: 400, height: 250 });
        await run('set_window_position', { window_id: main, x: 120, y: 90 });
        await run('maximize_window', { window_id: main });
        await run('set_window_position', { window_id: main, x: 150, y: 100 });
        await run('minimize_window', { window_id: main });
        await run('activate_window', { window_id: main });
        await run('get_current_window_id');
        await run('get_active_window_bounds');
        await run('get_window_name', { window_id: 123456789 });
        await run('close_window', { window_id: other });
      } finally {
        counter.stop();
      }
      expect(counter.commands).toEqual([]);

      // And they did their work, as the X server and window manager tell it.
      for (const result of results.slice(0, -2)) {
        expect(result, String(result.command)).toMatchObject({ success: true });
      }
      expect(results.find((r) => r.command === 'get_desktop_environment')).toMatchObject({
        environment: 'openbox',
      });
      expect(results[1]).toMatchObject({ windows: [main, other] });
      expect(results[3]).toMatchObject({ name: `tëst 世界 ${tag}` });
      expect(results.at(-2)).toMatchObject({ success: false, code: 'not_found' });
      expect(results.at(-1)).toMatchObject({ success: true });
      expect(clientList()).not.toContain(other);
      expect(windowGeometry(ctx.display, String(main))).toMatchObject({ x: 150, y: 100 });
      expect(results.find((r) => r.command === 'get_current_window_id')).toMatchObject({
        window_id: main,
      });
    },
    TEST_MS,
  );

  it(
    'every screen, pointer and keyboard command runs on the X connection alone',
    async () => {
      const typed = await openRecordingTerminal(ctx.display);
      const text = 'exact ✓ Grüße 世界';
      const results: Record<string, unknown>[] = [];
      const run = async (command: string, params: Record<string, unknown> = {}) => {
        const reply = await ctx.client.request({ command, params });
        results.push({ command, ...reply });
      };
      const counter = countSpawns();
      try {
        await run('get_screen_size');
        await run('get_cursor_position');
        await run('screenshot');
        await run('screenshot', { format: 'jpeg', quality: 70 });
        await run('screenshot', {
          format: 'webp',
          region: { x: 10, y: 10, width: 200, height: 100 },
        });
        await run('screenshot', { format: 'jpeg', max_width: 640 });
        await run('move_cursor', { x: 300, y: 200 });
        await run('mouse_down', { button: 'left' });
        await run('mouse_up', { button: 'left' });
        await run('drag', {
          path: [
            [300, 200],
            [310, 210],
          ],
          duration: 0.05,
        });
        await run('scroll', { x: 1, y: -1 });
        await run('scroll_direction', { direction: 'up', clicks: 2 });
        await run('type_text', { text });
        await run('press_key', { key: 'enter' });
        await run('key_down', { key: 'shift' });
        await run('key_up', { key: 'shift' });
        await run('hotkey', { keys: ['ctrl', 'a'] });
        await run('move_cursor', { x: 640, y: 400 });
      } finally {
        counter.stop();
      }
      try {
        expect(counter.commands).toEqual([]);
        for (const result of results) {
          expect(result, String(result.command)).toMatchObject({ success: true });
        }
        const bytes = await typed.waitForBytes(Buffer.byteLength(text) + 2);
        expect(bytes.toString('utf8')).toBe(`${text}\r\u0001`);
        expect(pointerPosition(ctx.display)).toEqual({ x: 640, y: 400 });
      } finally {
        await typed.close();
      }
    },
    TEST_MS,
  );
});
