import type { AccessibilityScope } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';
import type { Desktop, WindowGeometry, WindowIdInput } from '../desktop.js';
import { REGISTRY_ROOT, type AtspiClient, type Extents, type NodeRef } from './atspi-client.js';
import { stateNames } from './atspi-enums.js';
import { usableBounds } from './read-element.js';

export interface ScopeRequest {
  scope?: AccessibilityScope | undefined;
  window_id?: WindowIdInput | undefined;
  pid?: number | undefined;
}

export interface ResolvedScope {
  /** What to walk; undefined when the scope holds nothing accessible (`note` says why). */
  root?: NodeRef;
  pid?: number;
  windowId?: number;
  clip?: Extents;
  /** X window ids of top-level AT-SPI windows, by `bus path`. */
  windowIds: Map<string, number>;
  note?: string;
}

interface TopLevel {
  ref: NodeRef;
  app: NodeRef;
  name: string;
  states: Set<string>;
  extents?: Extents;
}

interface XWindow {
  id: number;
  name: string;
  geometry: WindowGeometry;
}

const SCOPE_CALL_TIMEOUT_MS = 1000;

export const refKey = (ref: NodeRef): string => `${ref.bus} ${ref.path}`;

const hex = (id: number) => `0x${id.toString(16)}`;

/** Within a few pixels: toolkits and the X server may disagree by a border. */
function sameBox(a: Extents | undefined, b: WindowGeometry): boolean {
  if (!a) return false;
  return (
    Math.abs(a.x - b.x) <= 4 &&
    Math.abs(a.y - b.y) <= 4 &&
    Math.abs(a.width - b.width) <= 4 &&
    Math.abs(a.height - b.height) <= 4
  );
}

/** The AT-SPI window that is this X window: same title and box, else the same title alone. */
function matchWindow(windows: TopLevel[], x: XWindow): TopLevel | undefined {
  const named = windows.filter((w) => w.name === x.name);
  return (
    named.find((w) => sameBox(w.extents, x.geometry)) ??
    (named.length === 1 ? named[0] : undefined) ??
    windows.find((w) => sameBox(w.extents, x.geometry) && x.name === '')
  );
}

/** Every app's top-level windows with their names, states and boxes, all asked at once. */
async function topLevels(client: AtspiClient, apps: NodeRef[]): Promise<TopLevel[]> {
  const perApp = await Promise.all(
    apps.map(async (app) => {
      const windows = await client.children(app).catch(() => []);
      return Promise.all(
        windows.map(async (ref) => {
          const [basics, words, extents] = await Promise.all([
            client.basics(ref).catch(() => undefined),
            client.state(ref).catch(() => []),
            client.extents(ref),
          ]);
          const bounds = usableBounds(extents);
          return {
            ref,
            app,
            name: basics?.name ?? '',
            states: new Set(stateNames(words)),
            ...(bounds ? { extents: bounds } : {}),
          };
        }),
      );
    }),
  );
  return perApp.flat();
}

async function describeX(desktop: Desktop, id: WindowIdInput): Promise<XWindow> {
  const numeric = typeof id === 'number' ? id : Number(id);
  const [name, geometry] = await Promise.all([
    desktop.windows.name(id),
    desktop.windows.geometry(id),
  ]);
  return { id: numeric, name, geometry };
}

async function allXWindows(desktop: Desktop): Promise<XWindow[]> {
  if (!desktop.capabilities.windows) return [];
  const ids = await desktop.windows.applicationWindows('').catch(() => []);
  const described = await Promise.all(
    ids.map((id) => describeX(desktop, id).catch(() => undefined)),
  );
  return described.filter((w): w is XWindow => w !== undefined);
}

function windowIdsFor(windows: TopLevel[], xWindows: XWindow[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const x of xWindows) {
    const match = matchWindow(windows, x);
    if (match && !ids.has(refKey(match.ref))) ids.set(refKey(match.ref), x.id);
  }
  return ids;
}

/**
 * Finds what a request's scope means on the accessibility bus. The focused window is the app
 * window AT-SPI marks active, cross-checked with the X server's active window; an X window is
 * matched to its AT-SPI window by title and box (X11 has no shared id between the two).
 */
export async function resolveScope(
  atspi: AtspiClient,
  desktop: Desktop,
  request: ScopeRequest,
): Promise<ResolvedScope> {
  // Every app is asked for its windows: one that is hung (or stopped) costs this much, once.
  const client = atspi.withTimeout(SCOPE_CALL_TIMEOUT_MS);
  const scope =
    request.scope ??
    (request.window_id !== undefined ? 'window' : request.pid !== undefined ? 'pid' : 'focused');
  const apps = await client.children(REGISTRY_ROOT);

  if (scope === 'all') {
    const windows = await topLevels(client, apps);
    return { root: REGISTRY_ROOT, windowIds: windowIdsFor(windows, await allXWindows(desktop)) };
  }

  if (scope === 'pid') {
    if (request.pid === undefined) {
      throw new CommandError('invalid_params', 'scope "pid" needs the param pid');
    }
    const pids = await Promise.all(apps.map((app) => client.pidOf(app.bus)));
    const app = apps.find((_, index) => pids[index] === request.pid);
    if (!app) {
      return {
        windowIds: new Map(),
        note:
          `process ${request.pid} is not on the accessibility bus: it is not running, or its ` +
          'toolkit exposes nothing over AT-SPI (started without accessibility, or not a ' +
          'GTK/Qt/Chromium/Electron app)',
      };
    }
    const windows = await topLevels(client, [app]);
    return {
      root: app,
      pid: request.pid,
      windowIds: windowIdsFor(windows, await allXWindows(desktop)),
    };
  }

  const windows = await topLevels(client, apps);
  if (scope === 'window') {
    if (request.window_id === undefined) {
      throw new CommandError('invalid_params', 'scope "window" needs the param window_id');
    }
    const x = await describeX(desktop, request.window_id);
    return fromWindow(client, windows, x, matchWindow(windows, x));
  }

  // focused
  const activeId = desktop.capabilities.windows
    ? await desktop.windows.activeWindow().catch(() => undefined)
    : undefined;
  const x =
    activeId !== undefined ? await describeX(desktop, activeId).catch(() => undefined) : undefined;
  const active = windows.filter((w) => w.states.has('active'));
  const chosen =
    (x ? matchWindow(active, x) : undefined) ??
    (active.length === 1 ? active[0] : undefined) ??
    (x ? matchWindow(windows, x) : undefined);
  if (!chosen && !x) {
    return { windowIds: new Map(), note: 'no window is focused' };
  }
  return fromWindow(client, windows, x, chosen);
}

async function fromWindow(
  client: AtspiClient,
  windows: TopLevel[],
  x: XWindow | undefined,
  chosen: TopLevel | undefined,
): Promise<ResolvedScope> {
  if (!chosen) {
    const which = x ? `${hex(x.id)} "${x.name}"` : 'the window';
    return {
      windowIds: new Map(),
      note:
        `${which} is not on the accessibility bus: its app exposes nothing over AT-SPI ` +
        `(${windows.length} accessible windows exist; e.g. xterm has no AT-SPI support, and ` +
        'Chromium needs --force-renderer-accessibility)',
    };
  }
  const windowId = x && matchWindow([chosen], x) ? x.id : undefined;
  const pid = await client.pidOf(chosen.app.bus);
  const windowIds = new Map<string, number>();
  if (windowId !== undefined) windowIds.set(refKey(chosen.ref), windowId);
  return {
    root: chosen.ref,
    ...(pid !== undefined ? { pid } : {}),
    ...(windowId !== undefined ? { windowId } : {}),
    ...(chosen.extents ? { clip: chosen.extents } : {}),
    windowIds,
  };
}
