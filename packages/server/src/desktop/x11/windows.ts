import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { CommandError } from '../../core/command-error.js';
import type { DesktopWindows, WindowGeometry, WindowIdInput } from '../desktop.js';
import { atoms } from './atoms.js';
import { SOURCE_PAGER, sendToWindowManager } from './client-message.js';
import { windowGeometry } from './geometry.js';
import {
  decodeStringList,
  decodeUtf8,
  propertySignedValues,
  propertyValues,
  readProperty,
  readText,
} from './properties.js';
import { formatWindowId, parseWindowId, windowNotFound } from './window-id.js';
import { windowRequest } from './window-request.js';
import type { X11Connection } from './x11-connection.js';

/** How long a window manager gets to apply a move, resize or state change: then it refused. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 2000;
/** How long a window gets to go away after a graceful close request. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 3000;
const POLL_INTERVAL_MS = 25;

/** `_NET_WM_STATE` client message actions. */
const STATE_REMOVE = 0;
const STATE_ADD = 1;
/** ICCCM WM_STATE values. */
const ICONIC_STATE = 3;
/** WM_SIZE_HINTS flags (ICCCM 4.1.2.3). */
const P_MIN_SIZE = 1 << 4;
const P_MAX_SIZE = 1 << 5;
const P_RESIZE_INC = 1 << 6;

const STATE_ATOMS = [
  '_NET_WM_STATE_MAXIMIZED_VERT',
  '_NET_WM_STATE_MAXIMIZED_HORZ',
  '_NET_WM_STATE_FULLSCREEN',
  '_NET_WM_STATE_HIDDEN',
] as const;
type StateAtoms = Record<(typeof STATE_ATOMS)[number], number>;

export interface X11WindowsOptions {
  /**
   * The display's shared connection, asked for at every operation: it may have been reopened
   * since (the display came back), and it throws `display_unavailable` when there is none.
   */
  connection: () => Promise<X11Connection>;
  settleTimeoutMs?: number;
  closeTimeoutMs?: number;
}

interface WindowDescription {
  id: number;
  title: string;
  wmClass: string[];
  pid: number | undefined;
}

interface WindowState {
  atoms: Set<number>;
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

/**
 * Window operations on an X11 display with an EWMH window manager, in the X protocol on the
 * desktop's one connection: EWMH/ICCCM properties to read, client messages to the root window
 * for what the window manager decides (state, activation, closing), ConfigureWindow for what it
 * only arbitrates (size, position). No process is started.
 *
 * Geometry is the client window's, without the frame the window manager draws around it: the
 * area the application paints, which is what screenshots crop and clicks aim at, and the same on
 * every window manager (frame sizes depend on the WM and its theme; client-side decorated and
 * undecorated windows have none). Setters take the same coordinates, so what `set` writes `get`
 * reads back. Every change is verified against what the window manager actually did.
 */
export class X11Windows implements DesktopWindows {
  private readonly connection: () => Promise<X11Connection>;
  private readonly settleTimeoutMs: number;
  private readonly closeTimeoutMs: number;

  constructor(options: X11WindowsOptions) {
    this.connection = options.connection;
    this.settleTimeoutMs = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  }

  /** `_NET_ACTIVE_WINDOW` of the root window. */
  async activeWindow(_signal?: AbortSignal): Promise<number> {
    return readActiveWindow(await this.connection());
  }

  /**
   * The managed windows (EWMH `_NET_CLIENT_LIST`, in mapping order) whose title, WM_CLASS
   * (instance or class) or process name contains `app`, case-insensitive.
   */
  async applicationWindows(app: string, _signal?: AbortSignal): Promise<number[]> {
    const needle = app.toLowerCase();
    const connection = await this.connection();
    const ids = await clientList(connection);
    // All requests go out at once: the X server answers them in order on the one socket.
    const described = await Promise.all(
      ids.map((id) =>
        describe(connection, id).catch((err: unknown) => {
          // Closed between listing and describing: not an application window any more.
          if (err instanceof CommandError && err.code === 'not_found') return undefined;
          throw err;
        }),
      ),
    );
    const matches: number[] = [];
    for (const window of described) {
      if (window === undefined) continue;
      const processName = await readProcessName(window.pid);
      const names = [window.title, ...window.wmClass, processName ?? ''];
      if (names.some((name) => name.toLowerCase().includes(needle))) matches.push(window.id);
    }
    return matches;
  }

  /** `_NET_WM_NAME` (UTF-8), else `WM_NAME`; an untitled window has the name ''. */
  async name(input: WindowIdInput, _signal?: AbortSignal): Promise<string> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    return readTitle(connection, id);
  }

  /** Client geometry in root coordinates, as xwininfo's "Absolute upper-left" and size. */
  async geometry(input: WindowIdInput, _signal?: AbortSignal): Promise<WindowGeometry> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    return windowGeometry(connection, id);
  }

  async setSize(
    input: WindowIdInput,
    width: number,
    height: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    // A maximized window keeps its size: the user asked for this one, so restore it first.
    await this.leaveMaximized(connection, id, signal);
    const hints = await readSizeHints(connection, id);
    // A ConfigureRequest the window manager intercepts (SubstructureRedirect) and arbitrates.
    await windowRequest<void>(connection, id, 'ConfigureWindow', (client, callback) =>
      client.ConfigureWindow(id, { width, height }, callback),
    );
    // Size hints (e.g. a terminal's character cell) make the WM round; that is not a refusal.
    const wantWidth = clamp(width, hints.minWidth, hints.maxWidth);
    const wantHeight = clamp(height, hints.minHeight, hints.maxHeight);
    const fits = (g: WindowGeometry) =>
      Math.abs(g.width - wantWidth) < hints.incWidth &&
      Math.abs(g.height - wantHeight) < hints.incHeight;
    const result = await this.poll(() => windowGeometry(connection, id), fits, signal);
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
    input: WindowIdInput,
    x: number,
    y: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    await this.leaveMaximized(connection, id, signal);
    const read = () => windowGeometry(connection, id);
    const before = await read();
    const at = (g: WindowGeometry) => g.x === x && g.y === y;
    if (at(before)) return;
    // ICCCM: with the usual NorthWest gravity a move request places the frame's outer corner,
    // so the frame goes where the client should be, minus the decorations.
    const [left = 0, , top = 0] = propertyValues(
      await readProperty(connection, id, '_NET_FRAME_EXTENTS'),
    );
    let frameX = x - left;
    let frameY = y - top;
    await move(connection, id, frameX, frameY);
    const moved = await this.poll(
      read,
      (g) => at(g) || g.x !== before.x || g.y !== before.y,
      signal,
    );
    if (at(moved.value)) return;
    if (moved.reached) {
      // Some window managers place the client itself, or keep the frame elsewhere: correct once
      // by what this move actually did.
      await delay(POLL_INTERVAL_MS * 4, undefined, { signal });
      const landed = await read();
      if (at(landed)) return;
      frameX += x - landed.x;
      frameY += y - landed.y;
      await move(connection, id, frameX, frameY);
      const corrected = await this.poll(read, at, signal);
      if (corrected.reached) return;
      moved.value = corrected.value;
    }
    throw new CommandError(
      'command_failed',
      `The window manager did not move window ${formatWindowId(id)} to ${x},${y}: ` +
        `it is at ${moved.value.x},${moved.value.y}`,
    );
  }

  async maximize(input: WindowIdInput, signal?: AbortSignal): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    const state = await stateAtoms(connection);
    const vert = state._NET_WM_STATE_MAXIMIZED_VERT;
    const horz = state._NET_WM_STATE_MAXIMIZED_HORZ;
    await sendToWindowManager(connection, id, '_NET_WM_STATE', [
      STATE_ADD,
      vert,
      horz,
      SOURCE_PAGER,
    ]);
    const result = await this.poll(
      () => readState(connection, id),
      (now) => now.atoms.has(vert) && now.atoms.has(horz),
      signal,
    );
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `The window manager did not maximize window ${formatWindowId(id)}`,
      );
    }
  }

  /** Iconifies (ICCCM WM_CHANGE_STATE); done when the WM marks it hidden or iconic. */
  async minimize(input: WindowIdInput, signal?: AbortSignal): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    const hidden = (await stateAtoms(connection))._NET_WM_STATE_HIDDEN;
    // What XIconifyWindow sends.
    await sendToWindowManager(connection, id, 'WM_CHANGE_STATE', [ICONIC_STATE]);
    const result = await this.poll(
      () => readState(connection, id),
      (state) => state.iconic || state.atoms.has(hidden),
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
  async activate(input: WindowIdInput, signal?: AbortSignal): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    const isActive = (active: number | undefined) => active === id;
    // Between focus changes there may be no active window for a moment; that is not a failure.
    const readActive = () =>
      readActiveWindow(connection).catch((err: unknown) => {
        if (err instanceof CommandError && err.code === 'not_found') return undefined;
        throw err;
      });
    const request = async () => {
      await switchToDesktopOf(connection, id);
      // As a pager (source indication 2), which focus-stealing prevention honours; no user
      // timestamp (CurrentTime), no window of ours currently active.
      await sendToWindowManager(connection, id, '_NET_ACTIVE_WINDOW', [SOURCE_PAGER, 0, 0]);
    };
    await request();
    let result = await this.poll(readActive, isActive, signal, this.settleTimeoutMs / 2);
    if (!result.reached) {
      // A window manager busy mapping or switching desktops may drop the first request.
      await request();
      result = await this.poll(readActive, isActive, signal);
    }
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `The window manager did not activate window ${formatWindowId(id)}`,
      );
    }
  }

  /**
   * Asks the window to close (`_NET_CLOSE_WINDOW`: the WM sends WM_DELETE_WINDOW, the application
   * may save or ask first) and waits for it to go away.
   */
  async close(input: WindowIdInput, signal?: AbortSignal): Promise<void> {
    const connection = await this.connection();
    const id = await requireClient(connection, input);
    await sendToWindowManager(connection, id, '_NET_CLOSE_WINDOW', [0, SOURCE_PAGER]);
    const result = await this.poll(
      () => clientList(connection),
      (ids) => !ids.includes(id),
      signal,
      this.closeTimeoutMs,
    );
    if (!result.reached) {
      throw new CommandError(
        'command_failed',
        `Window ${formatWindowId(id)} was asked to close but is still open after ` +
          `${this.closeTimeoutMs} ms (the application may be asking for confirmation)`,
      );
    }
  }

  async activeWindowBounds(_signal?: AbortSignal): Promise<WindowGeometry> {
    const connection = await this.connection();
    return windowGeometry(connection, await readActiveWindow(connection));
  }

  private async leaveMaximized(
    connection: X11Connection,
    id: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const atoms = await stateAtoms(connection);
    const maximized = [atoms._NET_WM_STATE_MAXIMIZED_VERT, atoms._NET_WM_STATE_MAXIMIZED_HORZ];
    const fullscreen = atoms._NET_WM_STATE_FULLSCREEN;
    const constrained = (state: WindowState) =>
      state.atoms.has(fullscreen) || maximized.some((atom) => state.atoms.has(atom));
    const state = await readState(connection, id);
    if (!constrained(state)) return;
    if (state.atoms.has(fullscreen)) {
      await sendToWindowManager(connection, id, '_NET_WM_STATE', [
        STATE_REMOVE,
        fullscreen,
        0,
        SOURCE_PAGER,
      ]);
    }
    if (maximized.some((atom) => state.atoms.has(atom))) {
      await sendToWindowManager(connection, id, '_NET_WM_STATE', [
        STATE_REMOVE,
        ...maximized,
        SOURCE_PAGER,
      ]);
    }
    // Not reaching it is left to the caller's own check, which says what the window is now.
    await this.poll(
      () => readState(connection, id),
      (now) => !constrained(now),
      signal,
    );
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

function stateAtoms(connection: X11Connection): Promise<StateAtoms> {
  return atoms(connection, STATE_ATOMS);
}

async function readActiveWindow(connection: X11Connection): Promise<number> {
  const property = await readProperty(connection, connection.root, '_NET_ACTIVE_WINDOW');
  const id = propertyValues(property)[0] ?? 0;
  if (id === 0) {
    const why =
      property === undefined ? ': the window manager does not publish _NET_ACTIVE_WINDOW' : '';
    throw new CommandError('not_found', `No active window${why}`);
  }
  return id;
}

async function clientList(connection: X11Connection): Promise<number[]> {
  const property = await readProperty(connection, connection.root, '_NET_CLIENT_LIST');
  if (property === undefined) {
    throw new CommandError(
      'command_failed',
      'No EWMH window manager on this display: the root window has no _NET_CLIENT_LIST',
    );
  }
  return propertyValues(property);
}

/** A managed window, as upstream's lookup in pywinctl's window list; else `not_found`. */
async function requireClient(connection: X11Connection, input: WindowIdInput): Promise<number> {
  const id = parseWindowId(input);
  if (!(await clientList(connection)).includes(id)) throw windowNotFound(id);
  return id;
}

async function describe(connection: X11Connection, id: number): Promise<WindowDescription> {
  const [title, wmClass, pid] = await Promise.all([
    readTitle(connection, id),
    readProperty(connection, id, 'WM_CLASS'),
    readProperty(connection, id, '_NET_WM_PID'),
  ]);
  return { id, title, wmClass: decodeStringList(wmClass), pid: propertyValues(pid)[0] };
}

async function readTitle(connection: X11Connection, id: number): Promise<string> {
  const [netName, wmName] = await Promise.all([
    readProperty(connection, id, '_NET_WM_NAME'),
    readText(connection, id, 'WM_NAME'),
  ]);
  // EWMH says UTF8_STRING; some programs label it STRING but still write UTF-8.
  const text = decodeUtf8(netName);
  if (text !== undefined && text !== '') return text;
  return wmName ?? '';
}

async function readProcessName(pid: number | undefined): Promise<string | undefined> {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    // Gone, or a window of another machine (pids are per host).
    return undefined;
  }
}

async function readState(connection: X11Connection, id: number): Promise<WindowState> {
  const [netState, wmState] = await Promise.all([
    readProperty(connection, id, '_NET_WM_STATE'),
    readProperty(connection, id, 'WM_STATE'),
  ]);
  return {
    atoms: new Set(propertyValues(netState)),
    iconic: propertyValues(wmState)[0] === ICONIC_STATE,
  };
}

/** WM_NORMAL_HINTS (WM_SIZE_HINTS: flags, 4 obsolete fields, min, max, increments, …). */
async function readSizeHints(connection: X11Connection, id: number): Promise<SizeHints> {
  const fields = propertySignedValues(await readProperty(connection, id, 'WM_NORMAL_HINTS'));
  const flags = fields[0] ?? 0;
  const pair = (flag: number, index: number): [number, number] | undefined => {
    const first = fields[index];
    const second = fields[index + 1];
    if ((flags & flag) === 0 || first === undefined || second === undefined) return undefined;
    return [first, second];
  };
  const [minWidth, minHeight] = pair(P_MIN_SIZE, 5) ?? [1, 1];
  const [maxWidth, maxHeight] = pair(P_MAX_SIZE, 7) ?? [Infinity, Infinity];
  const [incWidth, incHeight] = pair(P_RESIZE_INC, 9) ?? [1, 1];
  return {
    minWidth,
    minHeight,
    maxWidth: maxWidth > 0 ? maxWidth : Infinity,
    maxHeight: maxHeight > 0 ? maxHeight : Infinity,
    incWidth: Math.max(1, incWidth),
    incHeight: Math.max(1, incHeight),
  };
}

/** A ConfigureRequest for the client's position, as `xdotool windowmove` sends it. */
async function move(connection: X11Connection, id: number, x: number, y: number): Promise<void> {
  await windowRequest<void>(connection, id, 'ConfigureWindow', (client, callback) =>
    client.ConfigureWindow(id, { x, y }, callback),
  );
}

/**
 * EWMH: a window on another virtual desktop is activated by switching to that desktop first (as
 * wmctrl and xdotool do). Windows on all desktops (0xFFFFFFFF) or without one need nothing.
 */
async function switchToDesktopOf(connection: X11Connection, id: number): Promise<void> {
  const [desktop, current] = await Promise.all([
    readProperty(connection, id, '_NET_WM_DESKTOP'),
    readProperty(connection, connection.root, '_NET_CURRENT_DESKTOP'),
  ]);
  const target = propertyValues(desktop)[0];
  const now = propertyValues(current)[0];
  if (target === undefined || now === undefined || target === 0xffffffff || target === now) return;
  await sendToWindowManager(connection, connection.root, '_NET_CURRENT_DESKTOP', [target, 0]);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
