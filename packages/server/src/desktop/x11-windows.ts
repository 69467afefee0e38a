import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CommandError } from '../command-error.js';

/** One X tool call; a wedged X server must not hold a command for the full command timeout. */
export const DEFAULT_TOOL_TIMEOUT_MS = 5000;
/** How long a window manager gets to apply a move, resize or state change: then it refused. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 2000;
/** How long a window gets to go away after a graceful close request. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 3000;
const POLL_INTERVAL_MS = 25;
/** Windows described at once when filtering the client list (one xprop process each). */
const DESCRIBE_CONCURRENCY = 8;

const PACKAGE_OF: Record<string, string> = {
  xdotool: 'xdotool',
  wmctrl: 'wmctrl',
  xprop: 'x11-utils',
  xwininfo: 'x11-utils',
};

export interface WindowGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface X11WindowsOptions {
  /** Where DISPLAY is read from, at every call; the server's own environment by default. */
  env?: NodeJS.ProcessEnv;
  toolTimeoutMs?: number;
  settleTimeoutMs?: number;
  closeTimeoutMs?: number;
}

export interface RunToolOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** A BadWindow error from the tool then means this window is gone: `not_found`. */
  window?: number;
}

interface ExecFailure extends Error {
  code?: string | number | null;
  killed?: boolean;
  stdout?: string;
  stderr?: string;
}

/**
 * The environment an X tool runs in: the given one with its DISPLAY, and a UTF-8 locale so that
 * xprop converts COMPOUND_TEXT titles to UTF-8. Fails with `display_unavailable` without DISPLAY.
 */
export function x11Environment(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const display = source.DISPLAY;
  if (display === undefined || display === '') {
    throw new CommandError(
      'display_unavailable',
      "No X display: DISPLAY is not set in the server's environment",
    );
  }
  return { ...source, DISPLAY: display, LC_ALL: 'C.UTF-8' };
}

/**
 * Runs an X command-line tool (xdotool, wmctrl, xprop, …) on the server's display and returns its
 * stdout. Failures become CommandErrors: a missing tool `unsupported`, a display that cannot be
 * reached `display_unavailable`, a vanished window `not_found`, anything else `command_failed`.
 */
export async function runX11Tool(
  tool: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<string> {
  const env = x11Environment(options.env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        tool,
        args,
        {
          env,
          encoding: 'utf8',
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 16 * 1024 * 1024,
          signal: options.signal,
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout);
          else reject(Object.assign(error, { stdout, stderr }));
        },
      );
    });
  } catch (err) {
    throw toolError(tool, args, err as ExecFailure, env.DISPLAY!, timeoutMs, options.window);
  }
}

function toolError(
  tool: string,
  args: readonly string[],
  err: ExecFailure,
  display: string,
  timeoutMs: number,
  window: number | undefined,
): CommandError {
  if (err.code === 'ENOENT') {
    const pkg = PACKAGE_OF[tool];
    const hint =
      pkg === undefined ? '' : ` (Debian package ${pkg}; scripts/install-desktop-deps.sh)`;
    return new CommandError('unsupported', `${tool} is not installed on the server${hint}`);
  }
  if (err.name === 'AbortError') {
    return new CommandError('command_failed', `${tool} was stopped: the command was cancelled`);
  }
  if (err.killed === true) {
    return new CommandError('timeout', `${tool} did not answer within ${timeoutMs} ms`);
  }
  const stderr = err.stderr ?? '';
  if (/open display|connection to .* broken|Failed creating new xdo/i.test(stderr)) {
    return new CommandError('display_unavailable', `Cannot connect to the X display ${display}`);
  }
  if (window !== undefined && /BadWindow|Bad Drawable|No such window/i.test(stderr)) {
    return windowNotFound(window);
  }
  const detail = stderr.trim().split('\n')[0] || `exit code ${String(err.code)}`;
  return new CommandError('command_failed', `${tool} ${args.join(' ')} failed: ${detail}`);
}

/** Whether an executable of this name is on the server's PATH. */
export async function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * An X11 window id from the wire: a number, or a string in decimal or `0x` hex (upstream compares
 * ids as strings, so `123` and `"123"` are the same window).
 */
export function parseWindowId(input: string | number): number {
  const text = String(input).trim();
  let value = Number.NaN;
  if (/^0x[0-9a-f]+$/i.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (/^\d+$/.test(text)) value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0 || value > 0xffffffff) {
    const got = JSON.stringify(input);
    throw new CommandError(
      'invalid_params',
      `window_id must be an X11 window id (a number, or hex such as 0x1c00007), got ${got}`,
    );
  }
  return value;
}

export function formatWindowId(id: number): string {
  return `0x${id.toString(16)}`;
}

function windowNotFound(id: number): CommandError {
  return new CommandError('not_found', `Window not found: ${formatWindowId(id)} (${id})`);
}

interface Property {
  type: string;
  value: string;
}

/**
 * xprop's one-line properties, `NAME(TYPE) = value`; multi-line ones (WM_STATE, WM_NORMAL_HINTS)
 * keep their indented lines as the value. Absent properties (`NAME:  not found.`) are left out.
 */
function parseProperties(stdout: string): Map<string, Property> {
  const properties = new Map<string, Property>();
  let current: Property | undefined;
  for (const line of stdout.split('\n')) {
    const match = /^([A-Za-z0-9_]+)\(([A-Za-z0-9_]+)\)(?: = ?|:)(.*)$/.exec(line);
    if (match !== null) {
      current = { type: match[2]!, value: match[3]! };
      properties.set(match[1]!, current);
    } else if (current !== undefined && /^\s/.test(line)) {
      current.value += `\n${line.trim()}`;
    } else {
      current = undefined;
    }
  }
  return properties;
}

/** The bytes of a property printed in xprop's `8c` format (`116, 235, 115`). */
function propertyBytes(property: Property): Uint8Array {
  const numbers = property.value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  return Uint8Array.from(numbers);
}

function stripTrailingNuls(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return bytes.subarray(0, end);
}

const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Decodes a text property from its raw bytes, or returns undefined when only Xlib can
 * (COMPOUND_TEXT with charset escapes). STRING is Latin-1 by ICCCM, but many programs (xdotool
 * among them) store UTF-8 there; bytes that are valid UTF-8 are read as such, as most window
 * managers do.
 */
function decodeText(type: string, raw: Uint8Array): string | undefined {
  const bytes = stripTrailingNuls(raw);
  if (type === 'UTF8_STRING') return utf8.decode(bytes);
  if (type === 'STRING') {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return latin1.decode(bytes);
    }
  }
  // Compound text without escape sequences is plain ISO 8859-1.
  if (type === 'COMPOUND_TEXT' && !bytes.includes(0x1b)) return latin1.decode(bytes);
  return undefined;
}

/** xprop's text format: the string between quotes, non-printable bytes as `\ooo`. */
function unescapeXpropText(value: string): string {
  const quoted = /^"(.*)"$/s.exec(value.trim());
  const body = quoted === null ? value.trim() : quoted[1]!;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (const part of body.split(/(\\[0-7]{3})/)) {
    if (/^\\[0-7]{3}$/.test(part)) bytes.push(Number.parseInt(part.slice(1), 8));
    else bytes.push(...encoder.encode(part));
  }
  return utf8.decode(Uint8Array.from(bytes));
}

function parseWindowList(property: Property | undefined): number[] {
  if (property === undefined) return [];
  return (property.value.match(/0x[0-9a-f]+/gi) ?? []).map((hex) => Number.parseInt(hex, 16));
}

function parseCardinals(property: Property | undefined): number[] {
  if (property === undefined) return [];
  return property.value
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((n) => Number.isFinite(n));
}

interface WindowDescription {
  id: number;
  title: string;
  wmClass: string[];
  pid: number | undefined;
}

interface WindowState {
  atoms: string[];
  iconic: boolean;
}

interface SizeHints {
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
  incWidth: number;
  incHeight: number;
}

interface Polled<T> {
  value: T;
  reached: boolean;
}

const MAXIMIZED = ['_NET_WM_STATE_MAXIMIZED_VERT', '_NET_WM_STATE_MAXIMIZED_HORZ'];

/**
 * Window operations on an X11 display with an EWMH window manager, through Debian's xdotool,
 * wmctrl, xprop and xwininfo (no native module in the server process: a display that goes away
 * fails one tool call instead of the server).
 *
 * Geometry is the client window's, without the frame the window manager draws around it: the
 * area the application paints, which is what screenshots crop and clicks aim at, and the same on
 * every window manager (frame sizes depend on the WM and its theme; client-side decorated and
 * undecorated windows have none). Setters take the same coordinates, so what `set` writes `get`
 * reads back. Every change is verified against what the window manager actually did.
 */
export class X11Windows {
  private readonly toolTimeoutMs: number;
  private readonly settleTimeoutMs: number;
  private readonly closeTimeoutMs: number;

  constructor(private readonly options: X11WindowsOptions = {}) {
    this.toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    this.settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  }

  /** `_NET_ACTIVE_WINDOW` of the root window. */
  async activeWindow(signal?: AbortSignal): Promise<number> {
    const root = await this.rootProperties(['_NET_ACTIVE_WINDOW'], signal);
    const property = root.get('_NET_ACTIVE_WINDOW');
    const id = parseWindowList(property)[0] ?? 0;
    if (id === 0) {
      const why =
        property === undefined ? ': the window manager does not publish _NET_ACTIVE_WINDOW' : '';
      throw new CommandError('not_found', `No active window${why}`);
    }
    return id;
  }

  /**
   * The managed windows (EWMH `_NET_CLIENT_LIST`, in mapping order) whose title, WM_CLASS
   * (instance or class) or process name contains `app`, case-insensitive.
   */
  async applicationWindows(app: string, signal?: AbortSignal): Promise<number[]> {
    const needle = app.toLowerCase();
    const ids = await this.clientList(signal);
    const matches: number[] = [];
    for (let start = 0; start < ids.length; start += DESCRIBE_CONCURRENCY) {
      const batch = ids.slice(start, start + DESCRIBE_CONCURRENCY);
      const described = await Promise.all(
        batch.map((id) =>
          this.describe(id, signal).catch((err: unknown) => {
            // Closed between listing and describing: not an application window any more.
            if (err instanceof CommandError && err.code === 'not_found') return undefined;
            throw err;
          }),
        ),
      );
      for (const window of described) {
        if (window === undefined) continue;
        const processName = await this.processName(window.pid);
        const names = [window.title, ...window.wmClass, processName ?? ''];
        if (names.some((name) => name.toLowerCase().includes(needle))) matches.push(window.id);
      }
    }
    return matches;
  }

  /** `_NET_WM_NAME` (UTF-8), else `WM_NAME`; an untitled window has the name ''. */
  async name(input: string | number, signal?: AbortSignal): Promise<string> {
    const id = await this.requireClient(input, signal);
    return (await this.describe(id, signal)).title;
  }

  /** Client geometry in root coordinates, as xwininfo's "Absolute upper-left" and size. */
  async geometry(input: string | number, signal?: AbortSignal): Promise<WindowGeometry> {
    const id = await this.requireClient(input, signal);
    return this.readGeometry(id, signal);
  }

  async setSize(
    input: string | number,
    width: number,
    height: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const id = await this.requireClient(input, signal);
    // A maximized window keeps its size: the user asked for this one, so restore it first.
    await this.leaveMaximized(id, signal);
    const hints = await this.sizeHints(id, signal);
    await this.tool(
      'xdotool',
      ['windowsize', String(id), String(width), String(height)],
      id,
      signal,
    );
    // Size hints (e.g. a terminal's character cell) make the WM round; that is not a refusal.
    const wantWidth = clamp(width, hints.minWidth, hints.maxWidth);
    const wantHeight = clamp(height, hints.minHeight, hints.maxHeight);
    const fits = (g: WindowGeometry) =>
      Math.abs(g.width - wantWidth) < hints.incWidth &&
      Math.abs(g.height - wantHeight) < hints.incHeight;
    const result = await this.poll(() => this.readGeometry(id, signal), fits, signal);
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `The window manager did not resize window ${formatWindowId(id)} to ${width}x${height}: ` +
          `it is ${result.value.width}x${result.value.height}`,
      );
    }
  }

  /** Puts the client's top-left corner (not the frame's) at x, y. */
  async setPosition(
    input: string | number,
    x: number,
    y: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const id = await this.requireClient(input, signal);
    await this.leaveMaximized(id, signal);
    const before = await this.readGeometry(id, signal);
    const at = (g: WindowGeometry) => g.x === x && g.y === y;
    if (at(before)) return;
    // ICCCM: with the usual NorthWest gravity a move request places the frame's outer corner,
    // so the frame goes where the client should be, minus the decorations.
    const [left = 0, , top = 0] = await this.frameExtents(id, signal);
    let frameX = x - left;
    let frameY = y - top;
    await this.move(id, frameX, frameY, signal);
    const moved = await this.poll(
      () => this.readGeometry(id, signal),
      (g) => at(g) || g.x !== before.x || g.y !== before.y,
      signal,
    );
    if (at(moved.value)) return;
    if (moved.reached) {
      // Some window managers place the client itself, or keep the frame elsewhere: correct once
      // by what this move actually did.
      await delay(POLL_INTERVAL_MS * 4, undefined, { signal });
      const landed = await this.readGeometry(id, signal);
      if (at(landed)) return;
      frameX += x - landed.x;
      frameY += y - landed.y;
      await this.move(id, frameX, frameY, signal);
      const corrected = await this.poll(() => this.readGeometry(id, signal), at, signal);
      if (corrected.reached) return;
      moved.value = corrected.value;
    }
    throw new CommandError(
      'command_failed',
      `The window manager did not move window ${formatWindowId(id)} to ${x},${y}: ` +
        `it is at ${moved.value.x},${moved.value.y}`,
    );
  }

  async maximize(input: string | number, signal?: AbortSignal): Promise<void> {
    const id = await this.requireClient(input, signal);
    const hex = formatWindowId(id);
    await this.tool(
      'wmctrl',
      ['-i', '-r', hex, '-b', 'add,maximized_vert,maximized_horz'],
      id,
      signal,
    );
    const result = await this.poll(
      () => this.readState(id, signal),
      (state) => MAXIMIZED.every((atom) => state.atoms.includes(atom)),
      signal,
    );
    if (!result.reached) {
      throw new CommandError('command_failed', `The window manager did not maximize window ${hex}`);
    }
  }

  /** Iconifies (ICCCM WM_CHANGE_STATE); done when the WM marks it hidden or iconic. */
  async minimize(input: string | number, signal?: AbortSignal): Promise<void> {
    const id = await this.requireClient(input, signal);
    await this.tool('xdotool', ['windowminimize', String(id)], id, signal);
    const result = await this.poll(
      () => this.readState(id, signal),
      (state) => state.iconic || state.atoms.includes('_NET_WM_STATE_HIDDEN'),
      signal,
    );
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `The window manager did not minimize window ${formatWindowId(id)}`,
      );
    }
  }

  /** Switches to its desktop, de-iconifies, raises and focuses it (`_NET_ACTIVE_WINDOW`). */
  async activate(input: string | number, signal?: AbortSignal): Promise<void> {
    const id = await this.requireClient(input, signal);
    const hex = formatWindowId(id);
    const isActive = (active: number | undefined) => active === id;
    // Between focus changes there may be no active window for a moment; that is not a failure.
    const readActive = () =>
      this.activeWindow(signal).catch((err: unknown) => {
        if (err instanceof CommandError && err.code === 'not_found') return undefined;
        throw err;
      });
    await this.tool('wmctrl', ['-i', '-a', hex], id, signal);
    let result = await this.poll(readActive, isActive, signal, this.settleTimeoutMs / 2);
    if (!result.reached) {
      // xdotool asks as a pager (source indication 2), which focus-stealing prevention honours.
      await this.tool('xdotool', ['windowactivate', String(id)], id, signal);
      result = await this.poll(readActive, isActive, signal);
    }
    if (!result.reached) {
      throw new CommandError('command_failed', `The window manager did not activate window ${hex}`);
    }
  }

  /**
   * Asks the window to close (`_NET_CLOSE_WINDOW`: the WM sends WM_DELETE_WINDOW, the application
   * may save or ask first) and waits for it to go away.
   */
  async close(input: string | number, signal?: AbortSignal): Promise<void> {
    const id = await this.requireClient(input, signal);
    const hex = formatWindowId(id);
    await this.tool('wmctrl', ['-i', '-c', hex], id, signal);
    const result = await this.poll(
      () => this.clientList(signal),
      (ids) => !ids.includes(id),
      signal,
      this.closeTimeoutMs,
    );
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `Window ${hex} was asked to close but is still open after ${this.closeTimeoutMs} ms ` +
          '(the application may be asking for confirmation)',
      );
    }
  }

  async activeWindowBounds(signal?: AbortSignal): Promise<WindowGeometry> {
    return this.readGeometry(await this.activeWindow(signal), signal);
  }

  private tool(tool: string, args: string[], window?: number, signal?: AbortSignal) {
    return runX11Tool(tool, args, {
      env: this.options.env,
      signal,
      timeoutMs: this.toolTimeoutMs,
      window,
    });
  }

  private async rootProperties(atoms: string[], signal?: AbortSignal) {
    return parseProperties(await this.tool('xprop', ['-root', ...atoms], undefined, signal));
  }

  private async clientList(signal?: AbortSignal): Promise<number[]> {
    const root = await this.rootProperties(['_NET_CLIENT_LIST'], signal);
    const property = root.get('_NET_CLIENT_LIST');
    if (property === undefined) {
      throw new CommandError(
        'command_failed',
        'No EWMH window manager on this display: the root window has no _NET_CLIENT_LIST',
      );
    }
    return parseWindowList(property);
  }

  /** A managed window, as upstream's lookup in pywinctl's window list; else `not_found`. */
  private async requireClient(input: string | number, signal?: AbortSignal): Promise<number> {
    const id = parseWindowId(input);
    if (!(await this.clientList(signal)).includes(id)) throw windowNotFound(id);
    return id;
  }

  private async describe(id: number, signal?: AbortSignal): Promise<WindowDescription> {
    const byteAtoms = ['_NET_WM_NAME', 'WM_NAME', 'WM_CLASS'];
    const args = ['-id', String(id), ...byteAtoms.flatMap((atom) => ['-f', atom, '8c'])];
    const props = parseProperties(
      await this.tool('xprop', [...args, ...byteAtoms, '_NET_WM_PID'], id, signal),
    );
    const wmClass = props.get('WM_CLASS');
    return {
      id,
      title: await this.title(id, props, signal),
      wmClass:
        wmClass === undefined
          ? []
          : latin1
              .decode(propertyBytes(wmClass))
              .split('\0')
              .filter((part) => part !== ''),
      pid: parseCardinals(props.get('_NET_WM_PID'))[0],
    };
  }

  private async title(
    id: number,
    props: Map<string, Property>,
    signal?: AbortSignal,
  ): Promise<string> {
    const netName = props.get('_NET_WM_NAME');
    // EWMH says UTF8_STRING; some programs label it STRING but still write UTF-8.
    if (netName !== undefined) {
      const text = utf8.decode(stripTrailingNuls(propertyBytes(netName)));
      if (text !== '') return text;
    }
    const wmName = props.get('WM_NAME');
    if (wmName === undefined) return '';
    const decoded = decodeText(wmName.type, propertyBytes(wmName));
    if (decoded !== undefined) return decoded;
    // COMPOUND_TEXT with charset switches (what Xlib writes for non-Latin titles): let xprop's
    // Xlib convert it in a UTF-8 locale.
    const converted = parseProperties(
      await this.tool('xprop', ['-id', String(id), 'WM_NAME'], id, signal),
    ).get('WM_NAME');
    return converted === undefined ? '' : unescapeXpropText(converted.value);
  }

  private async processName(pid: number | undefined): Promise<string | undefined> {
    if (pid === undefined || process.platform !== 'linux') return undefined;
    try {
      return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    } catch {
      // Gone, or a window of another machine (pids are per host).
      return undefined;
    }
  }

  private async readGeometry(id: number, signal?: AbortSignal): Promise<WindowGeometry> {
    const out = await this.tool('xwininfo', ['-id', String(id)], id, signal);
    const field = (label: string) => {
      const match = new RegExp(`^\\s*${label}:\\s+(-?\\d+)`, 'm').exec(out);
      if (match === null) {
        throw new CommandError(
          'command_failed',
          `xwininfo gave no "${label}" for ${formatWindowId(id)}`,
        );
      }
      return Number(match[1]);
    };
    return {
      x: field('Absolute upper-left X'),
      y: field('Absolute upper-left Y'),
      width: field('Width'),
      height: field('Height'),
    };
  }

  private async readState(id: number, signal?: AbortSignal): Promise<WindowState> {
    const props = parseProperties(
      await this.tool('xprop', ['-id', String(id), '_NET_WM_STATE', 'WM_STATE'], id, signal),
    );
    return {
      atoms: (props.get('_NET_WM_STATE')?.value ?? '')
        .split(',')
        .map((atom) => atom.trim())
        .filter((atom) => atom !== ''),
      iconic: /window state: Iconic/.test(props.get('WM_STATE')?.value ?? ''),
    };
  }

  /** `_NET_FRAME_EXTENTS`: left, right, top, bottom; empty for an undecorated window. */
  private async frameExtents(id: number, signal?: AbortSignal): Promise<number[]> {
    const props = parseProperties(
      await this.tool('xprop', ['-id', String(id), '_NET_FRAME_EXTENTS'], id, signal),
    );
    return parseCardinals(props.get('_NET_FRAME_EXTENTS'));
  }

  private async sizeHints(id: number, signal?: AbortSignal): Promise<SizeHints> {
    const props = parseProperties(
      await this.tool('xprop', ['-id', String(id), 'WM_NORMAL_HINTS'], id, signal),
    );
    const text = props.get('WM_NORMAL_HINTS')?.value ?? '';
    const pair = (label: string): [number, number] | undefined => {
      const match = new RegExp(`${label}: (\\d+) by (\\d+)`).exec(text);
      return match === null ? undefined : [Number(match[1]), Number(match[2])];
    };
    const [minWidth, minHeight] = pair('minimum size') ?? [1, 1];
    const [maxWidth, maxHeight] = pair('maximum size') ?? [Infinity, Infinity];
    const [incWidth, incHeight] = pair('resize increment') ?? [1, 1];
    return {
      minWidth,
      minHeight,
      maxWidth: maxWidth > 0 ? maxWidth : Infinity,
      maxHeight: maxHeight > 0 ? maxHeight : Infinity,
      incWidth: Math.max(1, incWidth),
      incHeight: Math.max(1, incHeight),
    };
  }

  private async leaveMaximized(id: number, signal?: AbortSignal): Promise<void> {
    const state = await this.readState(id, signal);
    const hex = formatWindowId(id);
    if (state.atoms.includes('_NET_WM_STATE_FULLSCREEN')) {
      await this.tool('wmctrl', ['-i', '-r', hex, '-b', 'remove,fullscreen'], id, signal);
    }
    if (!MAXIMIZED.some((atom) => state.atoms.includes(atom))) return;
    await this.tool(
      'wmctrl',
      ['-i', '-r', hex, '-b', 'remove,maximized_vert,maximized_horz'],
      id,
      signal,
    );
    await this.poll(
      () => this.readState(id, signal),
      (now) => !MAXIMIZED.some((atom) => now.atoms.includes(atom)),
      signal,
    );
  }

  private move(id: number, x: number, y: number, signal?: AbortSignal) {
    return this.tool('xdotool', ['windowmove', String(id), String(x), String(y)], id, signal);
  }

  /** Reads until `reached` holds or the window manager had its time; returns the last value. */
  private async poll<T>(
    read: () => Promise<T>,
    reached: (value: T) => boolean,
    signal: AbortSignal | undefined,
    timeoutMs = this.settleTimeoutMs,
  ): Promise<Polled<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (reached(value)) return { value, reached: true };
      if (Date.now() >= deadline) return { value, reached: false };
      await delay(POLL_INTERVAL_MS, undefined, { signal });
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
