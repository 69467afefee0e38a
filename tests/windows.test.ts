import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { createDesktop, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootPixel, startDesktop, waitFor, windowGeometry, x } from './helpers/desktop.js';
import { SESSION_VARIABLES, useDesktopServer, useUnsetEnv } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { RawClient, startServer } from './helpers/server.js';

/** Window managers and terminals are quick, but a loaded CI machine is not. */
const WAIT_MS = 10_000;
const TEST_MS = 30_000;
/** Every process the tests caused, killed at the end whatever happened. */
const launched = new Set<number>();
const tag = `${process.pid}-${Date.now() % 100_000}`;

// The server reads DISPLAY (set once the desktop runs) from this worker's environment.
useUnsetEnv(['DISPLAY', ...SESSION_VARIABLES]);
const tmp = useTempDir('cua-windows-');
const ctx = useDesktopServer({
  client: 'raw',
  server: ({ display }) => {
    // The server reads DISPLAY from its (this worker's) environment at every command.
    process.env.DISPLAY = display;
    return {};
  },
  timeoutMs: TEST_MS,
});
afterAll(() => {
  for (const pid of launched) killGroup(pid);
  for (const id of tryClientList()) {
    const pid = windowPid(id);
    if (pid !== undefined) killGroup(pid);
  }
}, TEST_MS);

type Reply = Record<string, unknown>;

function call(command: string, params: Record<string, unknown> = {}): Promise<Reply> {
  return ctx.client.request({ command, params });
}

async function ok(command: string, params: Record<string, unknown> = {}): Promise<Reply> {
  const reply = await call(command, params);
  expect(reply, `${command} ${JSON.stringify(params)}`).toMatchObject({ success: true });
  return reply;
}

function tool(command: string, args: string[]): string {
  return x(ctx.display, command, args);
}

function tryTool(command: string, args: string[]): string | undefined {
  try {
    return tool(command, args);
  } catch {
    return undefined;
  }
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function tryClientList(): number[] {
  const out = tryTool('xprop', ['-root', '_NET_CLIENT_LIST']) ?? '';
  return (out.match(/0x[0-9a-f]+/gi) ?? []).map((hex) => Number.parseInt(hex, 16));
}

function windowPid(id: number): number | undefined {
  const out = tryTool('xprop', ['-id', String(id), '_NET_WM_PID']) ?? '';
  const match = /= (\d+)/.exec(out);
  return match === null ? undefined : Number(match[1]);
}

function netWmState(id: number): string {
  return tool('xprop', ['-id', String(id), '_NET_WM_STATE']);
}

function activeWindow(): number {
  return Number(tool('xdotool', ['getactivewindow']).trim());
}

/** A window id as `wmctrl -l` prints it. */
function wmctrlId(id: number): string {
  return `0x${id.toString(16).padStart(8, '0')}`;
}

function currentDesktop(): number {
  const line = tool('wmctrl', ['-d'])
    .split('\n')
    .find((row) => /^\d+\s+\*/.test(row));
  return Number(line?.split(/\s+/)[0]);
}

/** xdotool's report: its size is the client's; its position is off (see the position test). */
function xdotoolGeometry(id: number) {
  const out = tool('xdotool', ['getwindowgeometry', '--shell', String(id)]);
  const value = (name: string) => Number(new RegExp(`^${name}=(-?\\d+)`, 'm').exec(out)![1]);
  return { x: value('X'), y: value('Y'), width: value('WIDTH'), height: value('HEIGHT') };
}

/** The client window in root coordinates, as the X server itself reports it. */
function clientGeometry(id: number) {
  return windowGeometry(ctx.display, String(id));
}

function frameExtents(id: number): { left: number; right: number; top: number; bottom: number } {
  const out = tool('xprop', ['-id', String(id), '_NET_FRAME_EXTENTS']);
  const [left = 0, right = 0, top = 0, bottom = 0] = (/= (.*)$/m.exec(out)?.[1] ?? '')
    .split(',')
    .map(Number);
  return { left, right, top, bottom };
}

/** Running or stopped, but not a zombie. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout;
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

interface Terminal {
  pid: number;
  id: number;
  title: string;
}

/** A real xterm started through `launch` (exec with args), and its managed window. */
async function launchTerminal(title: string, geometry = '80x24+50+60'): Promise<Terminal> {
  const reply = await ok('launch', { app: 'xterm', args: ['-T', title, '-geometry', geometry] });
  const pid = reply.pid as number;
  expect(Number.isInteger(pid)).toBe(true);
  launched.add(pid);
  const id = await waitFor(
    () => tryClientList().find((window) => windowPid(window) === pid),
    WAIT_MS,
    `the window of xterm ${title}`,
  );
  return { pid, id, title };
}

/** A PNG of one colour, written by hand so the test needs no image library. */
function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let i = 0; i < width; i += 1) row.set(rgb, 1 + i * 3);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The root window shows the colour at three points away from the edges (a scaling filter blends
 * the border). Sampled with ImageMagick's `import`, which scripts/install-test-deps.sh installs.
 */
function expectRootColour([r0, g0, b0]: readonly [number, number, number]): void {
  for (const [px, py] of [
    [100, 100],
    [640, 400],
    [1180, 700],
  ] as const) {
    const [r, g, b] = rootPixel(ctx.display, px, py);
    expect(Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0)).toBeLessThan(12);
  }
}

describe('desktop commands on a real display', () => {
  it(
    'get_desktop_environment names the running window manager, else the session variables',
    async () => {
      expect(tool('wmctrl', ['-m'])).toMatch(/Name: Openbox/);
      expect(await ok('get_desktop_environment')).toEqual({
        success: true,
        environment: 'openbox',
      });
      try {
        process.env.DESKTOP_SESSION = 'xubuntu';
        expect((await ok('get_desktop_environment')).environment).toBe('xfce4');
        process.env.XDG_CURRENT_DESKTOP = 'ubuntu:GNOME';
        expect((await ok('get_desktop_environment')).environment).toBe('gnome');
      } finally {
        for (const name of SESSION_VARIABLES) delete process.env[name];
      }
    },
    TEST_MS,
  );

  it(
    'set_wallpaper fails with not_found for a missing file, and paints the root window',
    async () => {
      const missing = path.join(tmp.path, 'missing.png');
      const gone = await call('set_wallpaper', { path: missing });
      expect(gone).toMatchObject({ success: false, code: 'not_found' });
      expect(gone.error).toContain(missing);

      const image = path.join(tmp.path, 'wallpaper.png');
      await writeFile(image, solidPng(32, 20, [10, 200, 30]));
      // xwallpaper and ImageMagick come with the project's dependencies (scripts/install-*.sh);
      // the answer without any tool is the next test's.
      const reply = await call('set_wallpaper', { path: image });
      expect(reply).toEqual({ success: true });
      // No window is open yet: the screen shows the root window, now the image scaled to fill it.
      expectRootColour([10, 200, 30]);
    },
    TEST_MS,
  );

  it(
    'set_wallpaper falls back to ImageMagick, and without any tool says what is missing',
    async () => {
      const image = path.join(tmp.path, 'fallback.png');
      await writeFile(image, solidPng(16, 10, [200, 40, 120]));
      // The server looks tools up on its PATH at every call: offer it only some of them.
      const only = async (tools: string[]) => {
        const dir = await mkdtemp(path.join(tmp.path, 'bin-'));
        for (const name of tools) {
          const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
          if (found.status === 0) await symlink(found.stdout.trim(), path.join(dir, name));
        }
        return dir;
      };
      // ImageMagick comes with the test dependencies, so this path is always exercised.
      expect(tryTool('display', ['-version'])).toMatch(/ImageMagick/);
      const withoutPainter = await only(['wmctrl', 'xwininfo', 'xsetroot']);
      const withImageMagick = await only(['wmctrl', 'xwininfo', 'display']);
      const savedPath = process.env.PATH;
      try {
        process.env.PATH = withoutPainter;
        const none = await call('set_wallpaper', { path: image });
        expect(none).toMatchObject({ success: false, code: 'unsupported' });
        expect(none.error).toMatch(/xwallpaper, feh, hsetroot or ImageMagick/);

        process.env.PATH = withImageMagick;
        expect(await call('set_wallpaper', { path: image })).toEqual({ success: true });
      } finally {
        process.env.PATH = savedPath;
      }
      expectRootColour([200, 40, 120]);
    },
    TEST_MS,
  );

  it(
    'the desktop names the window manager from EWMH as wmctrl -m does, and none without one',
    async () => {
      const name = /^Name: (.+)$/m.exec(tool('wmctrl', ['-m']))?.[1]?.trim();
      expect(name).toBe('Openbox');
      const own = createDesktop({ display: ctx.display });
      try {
        expect(await own.windowManagerName()).toBe(name);
      } finally {
        await own.close();
      }

      const bare = await startDesktop({ windowManager: 'none' });
      const onBare = createDesktop({ display: bare.display });
      try {
        expect(await onBare.windowManagerName()).toBeUndefined();
        // A check window left behind by a window manager that is gone is no window manager.
        x(bare.display, 'xprop', [
          '-root',
          '-f',
          '_NET_SUPPORTING_WM_CHECK',
          '32x',
          '-set',
          '_NET_SUPPORTING_WM_CHECK',
          '0x7654321',
        ]);
        expect(await onBare.windowManagerName()).toBeUndefined();
        // Window commands need an EWMH window manager, and say so.
        await expect(onBare.windows.activeWindow()).rejects.toMatchObject({ code: 'not_found' });
        await expect(onBare.windows.name(1234)).rejects.toMatchObject({
          code: 'command_failed',
          message: expect.stringMatching(/No EWMH window manager/),
        });
      } finally {
        await onBare.close();
        await bare.stop();
      }
    },
    TEST_MS,
  );

  it('diorama answers unsupported with a reason (accessibility: tests/accessibility.test.ts)', async () => {
    const reply = await call('diorama_cmd', {
      action: 'screenshot',
      arguments: { app_list: ['xterm'] },
    });
    expect(reply).toMatchObject({ success: false, code: 'unsupported' });
    expect(reply.error).toMatch(/macOS-only/);
  });
});

describe('window commands on real xterm windows', () => {
  let alpha: Terminal;
  let bravo: Terminal;

  beforeAll(async () => {
    alpha = await launchTerminal(`Alpha Window ${tag}`, '80x24+50+60');
    bravo = await launchTerminal(`Bravo Window ${tag}`, '60x20+400+300');
  }, TEST_MS);

  it('launch with args returns the pid of a live process that owns the window', () => {
    for (const terminal of [alpha, bravo]) {
      expect(isAlive(terminal.pid)).toBe(true);
      expect(windowPid(terminal.id)).toBe(terminal.pid);
      expect(tool('xprop', ['-id', String(terminal.id), 'WM_CLASS'])).toMatch(/"xterm"/);
    }
  });

  it(
    'get_application_windows matches titles case-insensitively, and WM_CLASS',
    async () => {
      const byTitle = await ok('get_application_windows', { app: `ALPHA window ${tag}` });
      expect(byTitle.windows).toEqual([alpha.id]);
      expect((await ok('get_application_windows', { app: `bravo WINDOW` })).windows).toEqual([
        bravo.id,
      ]);
      expect((await ok('get_application_windows', { app: `nothing-${tag}` })).windows).toEqual([]);
      // Not upstream's title-only rule: the class (and process name) find an app's windows too.
      const byClass = (await ok('get_application_windows', { app: 'XTerm' })).windows as number[];
      expect(byClass).toEqual(expect.arrayContaining([alpha.id, bravo.id]));
    },
    TEST_MS,
  );

  it(
    'get_window_name is the title the window manager sees, in UTF-8',
    async () => {
      const reply = await ok('get_window_name', { window_id: alpha.id });
      expect(reply).toEqual({ success: true, name: alpha.title });
      expect(tool('xprop', ['-id', String(alpha.id), 'WM_NAME'])).toContain(`"${alpha.title}"`);

      // xterm stores a non-Latin title as COMPOUND_TEXT in WM_NAME, with no _NET_WM_NAME.
      const unicode = await launchTerminal(`tëst 世界 ${tag}`, '40x10+700+100');
      expect(tool('xprop', ['-id', String(unicode.id), 'WM_NAME'])).toMatch(/COMPOUND_TEXT/);
      expect((await ok('get_window_name', { window_id: String(unicode.id) })).name).toBe(
        unicode.title,
      );
      // A UTF8_STRING _NET_WM_NAME, quotes and all, wins over WM_NAME.
      const netName = `ünï "q" \\ 世界 ${tag}`;
      tool('xprop', [
        '-id',
        String(unicode.id),
        '-f',
        '_NET_WM_NAME',
        '8u',
        '-set',
        '_NET_WM_NAME',
        netName,
      ]);
      const hex = `0x${unicode.id.toString(16)}`;
      expect((await ok('get_window_name', { window_id: hex })).name).toBe(netName);
      await ok('close_window', { window_id: unicode.id });
    },
    TEST_MS,
  );

  it(
    'get_window_size and get_window_position report the client area as X reports it',
    async () => {
      const size = await ok('get_window_size', { window_id: alpha.id });
      const position = await ok('get_window_position', { window_id: alpha.id });
      const xdotool = xdotoolGeometry(alpha.id);
      expect(size).toEqual({ success: true, width: xdotool.width, height: xdotool.height });
      const client = clientGeometry(alpha.id);
      expect(position).toEqual({ success: true, x: client.x, y: client.y });
      // -geometry +50+60 placed the frame there; the client sits inside the decorations.
      const frame = frameExtents(alpha.id);
      expect(client.x - frame.left).toBe(50);
      expect(client.y - frame.top).toBe(60);
      // xdotool 3.20160805 (Debian 12) adds the client's offset in its frame once more: its
      // position is neither the client's nor the frame's, so positions are checked with xwininfo.
      expect(xdotool.x - client.x).toBe(frame.left);
    },
    TEST_MS,
  );

  it(
    'set_window_size resizes as xdotool reports, within the terminal cell increments',
    async () => {
      expect(await ok('set_window_size', { window_id: alpha.id, width: 500, height: 300 })).toEqual(
        {
          success: true,
        },
      );
      const after = xdotoolGeometry(alpha.id);
      // xterm asks for whole character cells (WM_NORMAL_HINTS resize increment 6x13 or so).
      expect(after.width).toBeGreaterThan(500 - 14);
      expect(after.width).toBeLessThanOrEqual(500);
      expect(after.height).toBeGreaterThan(300 - 26);
      expect(after.height).toBeLessThanOrEqual(300);
      const size = await ok('get_window_size', { window_id: alpha.id });
      expect(size).toMatchObject({ width: after.width, height: after.height });
    },
    TEST_MS,
  );

  it(
    'set_window_position puts the client at x, y and xdotool sees the move',
    async () => {
      await ok('set_window_position', { window_id: alpha.id, x: 200, y: 150 });
      expect(clientGeometry(alpha.id)).toMatchObject({ x: 200, y: 150 });
      const before = xdotoolGeometry(alpha.id);
      await ok('set_window_position', { window_id: String(alpha.id), x: 260, y: 190 });
      expect(clientGeometry(alpha.id)).toMatchObject({ x: 260, y: 190 });
      const after = xdotoolGeometry(alpha.id);
      expect({ dx: after.x - before.x, dy: after.y - before.y }).toEqual({ dx: 60, dy: 40 });
      expect(await ok('get_window_position', { window_id: alpha.id })).toMatchObject({
        x: 260,
        y: 190,
      });
      // Partly off screen is still a position the window manager accepts.
      await ok('set_window_position', { window_id: alpha.id, x: -20, y: 5 });
      expect(clientGeometry(alpha.id)).toMatchObject({ x: -20, y: 5 });
    },
    TEST_MS,
  );

  it(
    'maximize_window fills the screen and sets the EWMH maximized state',
    async () => {
      await ok('maximize_window', { window_id: alpha.id });
      expect(netWmState(alpha.id)).toMatch(/_NET_WM_STATE_MAXIMIZED_VERT/);
      expect(netWmState(alpha.id)).toMatch(/_NET_WM_STATE_MAXIMIZED_HORZ/);
      const frame = frameExtents(alpha.id);
      const client = clientGeometry(alpha.id);
      // openbox without panels: the frame covers the whole 1280x800 screen.
      expect(client.x - frame.left).toBe(0);
      expect(client.y - frame.top).toBe(0);
      expect(client.width + frame.left + frame.right).toBe(1280);
      expect(client.height + frame.top + frame.bottom).toBe(800);
      // A maximized window is restored first when a size is asked for.
      await ok('set_window_size', { window_id: alpha.id, width: 400, height: 200 });
      expect(netWmState(alpha.id)).not.toMatch(/MAXIMIZED/);
      expect(xdotoolGeometry(alpha.id).width).toBeLessThanOrEqual(400);
    },
    TEST_MS,
  );

  it(
    'minimize_window iconifies, activate_window brings it back focused',
    async () => {
      await ok('minimize_window', { window_id: alpha.id });
      const hidden = /_NET_WM_STATE_HIDDEN/.test(netWmState(alpha.id));
      const unmapped = /IsUnMapped/.test(tool('xwininfo', ['-id', String(alpha.id)]));
      expect(hidden || unmapped).toBe(true);
      expect(tool('xprop', ['-id', String(alpha.id), 'WM_STATE'])).toMatch(/Iconic/);

      await ok('activate_window', { window_id: alpha.id });
      expect(activeWindow()).toBe(alpha.id);
      expect(tool('xwininfo', ['-id', String(alpha.id)])).toMatch(/IsViewable/);
      expect(netWmState(alpha.id)).not.toMatch(/HIDDEN/);
    },
    TEST_MS,
  );

  it(
    'get_current_window_id and get_active_window_bounds follow the active window',
    async () => {
      await ok('activate_window', { window_id: bravo.id });
      expect(activeWindow()).toBe(bravo.id);
      expect(await ok('get_current_window_id')).toEqual({ success: true, window_id: bravo.id });
      const bounds = (await ok('get_active_window_bounds')).bounds;
      expect(bounds).toEqual(clientGeometry(bravo.id));

      tool('xdotool', ['windowactivate', '--sync', String(alpha.id)]);
      expect((await ok('get_current_window_id')).window_id).toBe(activeWindow());
      expect(activeWindow()).toBe(alpha.id);
    },
    TEST_MS,
  );

  it(
    'get_window_name reads a WM_NAME in UTF8_STRING, or in STRING as UTF-8 or else Latin-1',
    async () => {
      const named = await launchTerminal(`Names ${tag}`, '40x10+650+420');
      const hex = `0x${named.id.toString(16)}`;
      const utf8 = `ünï 世界 ${tag}`;
      tool('xprop', ['-id', hex, '-f', 'WM_NAME', '8u', '-set', 'WM_NAME', utf8]);
      expect(tool('xprop', ['-id', hex, 'WM_NAME'])).toMatch(/UTF8_STRING/);
      expect((await ok('get_window_name', { window_id: hex })).name).toBe(utf8);
      // xprop's 8s stores the bytes it is given: UTF-8 labelled STRING, as many programs do.
      tool('xprop', ['-id', hex, '-f', 'WM_NAME', '8s', '-set', 'WM_NAME', `café ${tag}`]);
      expect(tool('xprop', ['-id', hex, 'WM_NAME'])).toMatch(/\(STRING\)/);
      expect((await ok('get_window_name', { window_id: hex })).name).toBe(`café ${tag}`);
      // ICCCM's own STRING: Latin-1, here a lone 0xE9 byte.
      const latin1 = spawnSync(
        'sh',
        ['-c', `xprop -id ${hex} -f WM_NAME 8s -set WM_NAME "$(printf 'caf\\351 ${tag}')"`],
        { env: { ...process.env, DISPLAY: ctx.display } },
      );
      expect(latin1.status).toBe(0);
      expect(tool('xprop', ['-id', hex, '-f', 'WM_NAME', '8c', 'WM_NAME'])).toMatch(/102, 233, 32/);
      expect((await ok('get_window_name', { window_id: hex })).name).toBe(`café ${tag}`);
      await ok('close_window', { window_id: named.id });
    },
    TEST_MS,
  );

  it(
    'set_window_position leaves fullscreen first, as xprop shows',
    async () => {
      const hex = `0x${bravo.id.toString(16)}`;
      tool('wmctrl', ['-i', '-r', hex, '-b', 'add,fullscreen']);
      await waitFor(
        () => (/FULLSCREEN/.test(netWmState(bravo.id)) ? true : undefined),
        WAIT_MS,
        'fullscreen',
      );
      await ok('set_window_position', { window_id: bravo.id, x: 330, y: 240 });
      expect(netWmState(bravo.id)).not.toMatch(/FULLSCREEN/);
      expect(clientGeometry(bravo.id)).toMatchObject({ x: 330, y: 240 });
    },
    TEST_MS,
  );

  it(
    'maximize_window is what wmctrl and xprop see, and minimize then activate restores it',
    async () => {
      await ok('maximize_window', { window_id: bravo.id });
      expect(netWmState(bravo.id)).toMatch(
        /MAXIMIZED_VERT.*MAXIMIZED_HORZ|MAXIMIZED_HORZ.*MAXIMIZED_VERT/,
      );
      // Asking again is no failure: the window already is what was asked.
      await ok('maximize_window', { window_id: String(bravo.id) });
      await ok('minimize_window', { window_id: bravo.id });
      expect(tool('xprop', ['-id', String(bravo.id), 'WM_STATE'])).toMatch(/Iconic/);
      await ok('activate_window', { window_id: bravo.id });
      expect(activeWindow()).toBe(bravo.id);
      expect(tool('xprop', ['-id', String(bravo.id), 'WM_STATE'])).toMatch(/Normal/);
      expect(netWmState(bravo.id)).toMatch(/MAXIMIZED/);
      await ok('set_window_size', { window_id: bravo.id, width: 360, height: 240 });
      expect(netWmState(bravo.id)).not.toMatch(/MAXIMIZED/);
    },
    TEST_MS,
  );

  it(
    'activate_window brings a window on another virtual desktop, and wmctrl sees the switch',
    async () => {
      const hex = `0x${bravo.id.toString(16)}`;
      try {
        tool('wmctrl', ['-i', '-r', hex, '-t', '2']);
        await waitFor(
          () => (/= 2$/m.test(tool('xprop', ['-id', hex, '_NET_WM_DESKTOP'])) ? true : undefined),
          WAIT_MS,
          'the window on desktop 3',
        );
        expect(currentDesktop()).toBe(0);
        await ok('activate_window', { window_id: bravo.id });
        expect(currentDesktop()).toBe(2);
        expect(activeWindow()).toBe(bravo.id);
      } finally {
        tool('wmctrl', ['-i', '-r', hex, '-t', '0']);
        tool('wmctrl', ['-s', '0']);
      }
    },
    TEST_MS,
  );

  it(
    'unknown or malformed window ids fail with the id in the error',
    async () => {
      const unknown = 0x75bcd15;
      expect(tryClientList()).not.toContain(unknown);
      for (const [command, extra] of [
        ['get_window_name', {}],
        ['get_window_size', {}],
        ['set_window_position', { x: 1, y: 1 }],
        ['close_window', {}],
        ['activate_window', {}],
      ] as const) {
        for (const id of [unknown, '0x75BCD15', String(unknown)]) {
          const reply = await call(command, { window_id: id, ...extra });
          expect(reply).toMatchObject({ success: false, code: 'not_found' });
          expect(reply.error).toMatch(/Window not found: 0x75bcd15 \(123456789\)/);
        }
      }
      const malformed = await call('get_window_name', { window_id: 'not-a-window' });
      expect(malformed).toMatchObject({ success: false, code: 'invalid_params' });
      expect(malformed.error).toContain('not-a-window');
    },
    TEST_MS,
  );

  it(
    'close_window closes the window gracefully and the xterm process exits',
    async () => {
      const doomed = await launchTerminal(`Doomed ${tag}`, '40x10+600+400');
      expect(await ok('close_window', { window_id: doomed.id })).toEqual({ success: true });
      expect(tryClientList()).not.toContain(doomed.id);
      expect(tool('wmctrl', ['-l']).toLowerCase()).not.toContain(wmctrlId(doomed.id));
      await waitFor(() => (isAlive(doomed.pid) ? undefined : true), WAIT_MS, 'xterm to exit');
      const again = await call('get_window_name', { window_id: doomed.id });
      expect(again).toMatchObject({ success: false, code: 'not_found' });
    },
    TEST_MS,
  );

  it(
    'window commands without a reachable display fail with display_unavailable',
    async () => {
      // A server drives the display it was started with, over its X connection: one started
      // without DISPLAY has none, one on a display nobody serves cannot reach it.
      const display = process.env.DISPLAY;
      delete process.env.DISPLAY;
      let unsetServer: RunningServer | undefined;
      try {
        unsetServer = await startServer();
      } finally {
        process.env.DISPLAY = display;
      }
      const goneServer = await startServer({ display: ':987' });
      const unsetClient = await RawClient.open(unsetServer.url);
      const goneClient = await RawClient.open(goneServer.url);
      try {
        const unset = await unsetClient.request({ command: 'get_current_window_id' });
        expect(unset).toMatchObject({ success: false, code: 'display_unavailable' });
        expect(unset.error).toMatch(/\bDISPLAY\b/);
        for (const command of ['get_window_size', 'maximize_window', 'close_window']) {
          const gone = await goneClient.request({ command, params: { window_id: alpha.id } });
          expect(gone, command).toMatchObject({ success: false, code: 'display_unavailable' });
          expect(gone.error).toContain(':987');
        }
        expect(await goneClient.request({ command: 'get_desktop_environment' })).toEqual({
          success: true,
          environment: 'unknown',
        });
      } finally {
        await unsetClient.close();
        await goneClient.close();
        await unsetServer.close();
        await goneServer.close();
      }
    },
    TEST_MS,
  );
});

describe('launch and open', () => {
  it(
    'launch without args runs through the shell and returns the shell pid',
    async () => {
      const file = path.join(tmp.path, 'shell-pid');
      const reply = await ok('launch', { app: `echo $$ > '${file}'; echo "a  b" >> '${file}'` });
      const pid = reply.pid as number;
      launched.add(pid);
      const text = await waitFor(
        () => {
          const content = spawnSync('cat', [file], { encoding: 'utf8' }).stdout;
          return content.split('\n').length >= 3 ? content : undefined;
        },
        WAIT_MS,
        'the shell to write its pid',
      );
      expect(text).toBe(`${pid}\na  b\n`);
    },
    TEST_MS,
  );

  it(
    'launch with args executes directly: no argument reaches a shell',
    async () => {
      const file = path.join(tmp.path, 'exec-args');
      const reply = await ok('launch', {
        app: 'sh',
        args: ['-c', 'printf %s "$1" > "$2"', 'sh', '$HOME; `id` | *', file],
      });
      launched.add(reply.pid as number);
      const text = await waitFor(
        () => spawnSync('cat', [file], { encoding: 'utf8' }).stdout || undefined,
        WAIT_MS,
        'the argument file',
      );
      expect(text).toBe('$HOME; `id` | *');
    },
    TEST_MS,
  );

  it(
    'launch of a missing program fails with not_found naming it',
    async () => {
      const name = `no-such-program-${tag}`;
      const direct = await call('launch', { app: name, args: ['--help'] });
      expect(direct).toMatchObject({ success: false, code: 'not_found' });
      expect(direct.error).toContain(name);
      const shell = await call('launch', { app: `${name} --flag` });
      expect(shell).toMatchObject({ success: false, code: 'not_found' });
      expect(shell.error).toContain(name);
    },
    TEST_MS,
  );

  it(
    'open fails with not_found for a missing file',
    async () => {
      const missing = path.join(tmp.path, 'nothing-here.txt');
      const gone = await call('open', { target: missing });
      expect(gone).toMatchObject({ success: false, code: 'not_found' });
      expect(gone.error).toContain(missing);
    },
    TEST_MS,
  );

  it(
    'open of a URL runs the browser BROWSER names with the URL, and says why when it fails',
    async () => {
      // xdg-open without a desktop session (the session variables are unset here) asks the
      // x-scheme-handler of the XDG folders first, then runs $BROWSER: empty folders leave only
      // $BROWSER, here a script that writes down its arguments.
      const empty = await mkdtemp(path.join(tmp.path, 'xdg-'));
      const argsFile = path.join(tmp.path, 'browser-args');
      const browser = path.join(tmp.path, 'browser');
      await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`, {
        mode: 0o755,
      });
      const url = 'https://example.invalid/page?a=1&b=2';
      const names = ['XDG_DATA_HOME', 'XDG_DATA_DIRS', 'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS'];
      const saved = Object.fromEntries(
        ['BROWSER', ...names].map((name) => [name, process.env[name]]),
      );
      try {
        for (const name of names) process.env[name] = empty;
        process.env.BROWSER = browser;
        expect(await call('open', { target: url })).toEqual({ success: true });
        const args = await waitFor(
          () => spawnSync('cat', [argsFile], { encoding: 'utf8' }).stdout || undefined,
          WAIT_MS,
          'the browser to be started',
        );
        expect(args).toBe(`${url}\n`);

        // A browser that fails: xdg-open gives up at once (exit 3), and the reply says so.
        process.env.BROWSER = '/bin/false';
        const failed = await call('open', { target: url });
        expect(failed).toMatchObject({ success: false, code: 'unsupported' });
        expect(failed.error).toContain('no browser');
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    },
    TEST_MS,
  );

  it(
    'open shows a file with its default application when the machine has one',
    async ({ skip }) => {
      const handler = hasCommand('xdg-mime')
        ? spawnSync('xdg-mime', ['query', 'default', 'text/plain'], {
            encoding: 'utf8',
          }).stdout.trim()
        : '';
      // The project installs xdg-utils but no text editor: a machine may have none.
      skip(
        !hasCommand('xdg-open') || handler === '',
        'no default application for text/plain (xdg-mime query default text/plain is empty)',
      );
      const file = path.join(tmp.path, 'note.txt');
      await writeFile(file, 'hello\n');
      const before = new Set(tryClientList());
      const reply = await call('open', { target: file });
      expect(reply).toEqual({ success: true });
      // A new top-level window: the default application showing the file.
      const opened = await waitFor(
        () => tryClientList().find((id) => !before.has(id)),
        WAIT_MS,
        `a window of ${handler}`,
      );
      const pid = windowPid(opened);
      if (pid !== undefined) killGroup(pid);
      expect(await readFile(file, 'utf8')).toBe('hello\n');
    },
    TEST_MS,
  );
});
