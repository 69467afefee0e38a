import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { CommandsOfGroup } from '@cua/computer-protocol';
import { CommandError, unsupported } from '../command-error.js';
import { findOnPath, runX11Tool } from '../desktop/x11-windows.js';
import { fileError } from '../fs-error.js';
import { resolveUserPath } from '../user-path.js';
import type { Handler } from './types.js';

/** Decoding and scaling a large photo for the root window takes a while. */
const WALLPAPER_TOOL_TIMEOUT_MS = 20_000;

export type DesktopHandlers = { [N in CommandsOfGroup<'desktop'>]: Handler<N> };

export interface DesktopHandlerOptions {
  /** Where session variables and DISPLAY are read from, at every call; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** The desktop commands (reference §3.11). */
export function desktopHandlers(options: DesktopHandlerOptions = {}): DesktopHandlers {
  const env = () => options.env ?? process.env;
  return {
    get_desktop_environment: async (_params, ctx) => ({
      environment: await detectDesktopEnvironment(env(), ctx.signal),
    }),
    set_wallpaper: async ({ path: input }, ctx) => {
      await setWallpaper(resolveUserPath(input), env(), ctx.signal);
      return {};
    },
  };
}

/** The Linux names upstream reports (besides `windows`, `mac` and `unknown`). */
const UPSTREAM_NAMES = new Set([
  'gnome',
  'unity',
  'cinnamon',
  'mate',
  'xfce4',
  'lxde',
  'fluxbox',
  'blackbox',
  'openbox',
  'icewm',
  'jwm',
  'afterstep',
  'trinity',
  'kde',
  'razor-qt',
  'windowmaker',
  'gnome2',
]);

/** XDG_CURRENT_DESKTOP entries (freedesktop's registered names) in upstream's vocabulary. */
const XDG_DESKTOPS: Record<string, string> = {
  gnome: 'gnome',
  'gnome-classic': 'gnome',
  'gnome-flashback': 'gnome',
  budgie: 'gnome',
  unity: 'unity',
  'x-cinnamon': 'cinnamon',
  cinnamon: 'cinnamon',
  mate: 'mate',
  xfce: 'xfce4',
  lxde: 'lxde',
  kde: 'kde',
  razor: 'razor-qt',
  tde: 'trinity',
  trinity: 'trinity',
};

/** `wmctrl -m` window manager names, lowercased, for sessions that set no variables. */
const WINDOW_MANAGERS: Array<[RegExp, string]> = [
  [/^openbox/, 'openbox'],
  [/^fluxbox/, 'fluxbox'],
  [/^blackbox/, 'blackbox'],
  [/^icewm/, 'icewm'],
  [/^jwm/, 'jwm'],
  [/^afterstep/, 'afterstep'],
  [/^(window ?maker|wmaker)/, 'windowmaker'],
  [/^xfwm/, 'xfce4'],
  [/^kwin/, 'kde'],
  [/^twin/, 'trinity'],
  [/^(gnome shell|mutter|metacity)/, 'gnome'],
  [/^marco/, 'mate'],
  [/^muffin|\(muffin\)/, 'cinnamon'],
];

/**
 * Upstream's order: the session variables (XDG_CURRENT_DESKTOP first, which upstream predates),
 * then what is running. Where upstream looked for two session daemons by process name, we ask
 * the window manager its name (EWMH), which also names bare window-manager sessions.
 */
export async function detectDesktopEnvironment(
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<string> {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'mac';
  for (const entry of (env.XDG_CURRENT_DESKTOP ?? '').toLowerCase().split(':')) {
    const name = XDG_DESKTOPS[entry.trim()];
    if (name !== undefined) return name;
  }
  const session = fromDesktopSession(env.DESKTOP_SESSION);
  if (session !== undefined) return session;
  if (env.KDE_FULL_SESSION === 'true') return 'kde';
  const gnomeId = env.GNOME_DESKTOP_SESSION_ID;
  if (gnomeId !== undefined && gnomeId !== '' && !gnomeId.includes('deprecated')) return 'gnome2';
  return (await fromWindowManager(env, signal)) ?? 'unknown';
}

function fromDesktopSession(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const session = value.toLowerCase();
  if (UPSTREAM_NAMES.has(session)) return session;
  if (session.includes('xfce') || session.startsWith('xubuntu')) return 'xfce4';
  if (session.startsWith('ubuntu')) return 'unity';
  if (session.startsWith('lubuntu')) return 'lxde';
  if (session.startsWith('kubuntu')) return 'kde';
  if (session.startsWith('razor')) return 'razor-qt';
  if (session.startsWith('wmaker')) return 'windowmaker';
  return undefined;
}

async function fromWindowManager(
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let out: string;
  try {
    out = await runX11Tool('wmctrl', ['-m'], { env, signal });
  } catch (err) {
    // No display, no wmctrl or no EWMH window manager: detection is best effort, like upstream's.
    if (err instanceof CommandError) return undefined;
    throw err;
  }
  const name = /^Name:\s*(.+)$/m.exec(out)?.[1]?.trim().toLowerCase();
  if (name === undefined) return undefined;
  return WINDOW_MANAGERS.find(([pattern]) => pattern.test(name))?.[1];
}

/** GSettings keys that hold the wallpaper, per desktop that draws its own background. */
const GSETTINGS_WALLPAPER: Record<string, Array<{ schema: string; key: string; uri: boolean }>> = {
  gnome: [
    { schema: 'org.gnome.desktop.background', key: 'picture-uri', uri: true },
    { schema: 'org.gnome.desktop.background', key: 'picture-uri-dark', uri: true },
  ],
  unity: [{ schema: 'org.gnome.desktop.background', key: 'picture-uri', uri: true }],
  cinnamon: [{ schema: 'org.cinnamon.desktop.background', key: 'picture-uri', uri: true }],
  mate: [{ schema: 'org.mate.background', key: 'picture-filename', uri: false }],
};

/** Desktops whose file manager paints the background over the root window. */
const OWN_BACKGROUND = new Set(['xfce4', 'kde', 'lxde', 'trinity', 'razor-qt', 'gnome2']);

/**
 * Sets the wallpaper where this server knows how and can check it worked: GSettings on GNOME-like
 * desktops, otherwise the X root window (what bare window managers show) with the first of
 * xwallpaper, feh, hsetroot or ImageMagick's display. xsetroot does not count: it cannot show an
 * image. Anything else is `unsupported`, never a silent `success: false`.
 */
async function setWallpaper(
  file: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (err) {
    throw fileError(err, file);
  }
  if (!isFile) throw new CommandError('invalid_params', `Not an image file: '${file}'`);
  if (process.platform === 'win32' || process.platform === 'darwin') {
    unsupported(`set_wallpaper is implemented for Linux desktops only, not ${process.platform}`);
  }
  const environment = await detectDesktopEnvironment(env, signal);
  const keys = GSETTINGS_WALLPAPER[environment];
  if (keys !== undefined) return setWithGsettings(environment, keys, file, env, signal);
  if (OWN_BACKGROUND.has(environment)) {
    unsupported(
      `set_wallpaper does not support the ${environment} desktop yet: it draws its own ` +
        'background, so an image on the X root window would not show',
    );
  }
  return setRootWindowImage(file, env, signal);
}

async function setWithGsettings(
  environment: string,
  keys: Array<{ schema: string; key: string; uri: boolean }>,
  file: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<void> {
  if ((await findOnPath('gsettings', env)) === undefined) {
    unsupported(`set_wallpaper on ${environment} needs gsettings, which is not installed`);
  }
  const uri = pathToFileURL(file).href;
  for (const [index, { schema, key, uri: asUri }] of keys.entries()) {
    const value = asUri ? uri : file;
    try {
      await runX11Tool('gsettings', ['set', schema, key, value], { env, signal });
    } catch (err) {
      // picture-uri-dark exists only since GNOME 42; the main key is what must work.
      if (index > 0) continue;
      throw err;
    }
    if (index > 0) continue;
    // Without the session's D-Bus, gsettings writes to a throwaway memory backend and exits 0.
    const readBack = await runX11Tool('gsettings', ['get', schema, key], { env, signal });
    if (readBack.trim() !== `'${value}'`) {
      throw new CommandError(
        'command_failed',
        `set_wallpaper could not change ${schema} ${key}: the desktop session's settings are ` +
          "not reachable (is the server running inside the user's session?)",
      );
    }
  }
}

type RootTool = (file: string, screen: { width: number; height: number }) => string[];

/** Root-window setters in order of preference; each scales the image to fill the screen. */
const ROOT_TOOLS: Array<[string, RootTool]> = [
  ['xwallpaper', (file) => ['--zoom', file]],
  ['feh', (file) => ['--no-fehbg', '--bg-fill', file]],
  ['hsetroot', (file) => ['-fill', file]],
  [
    'display',
    (file, { width, height }) => [
      '-window',
      'root',
      '-resize',
      `${width}x${height}^`,
      '-gravity',
      'center',
      '-crop',
      `${width}x${height}+0+0`,
      '+repage',
      file,
    ],
  ],
];

async function setRootWindowImage(
  file: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<void> {
  for (const [tool, argsFor] of ROOT_TOOLS) {
    if ((await findOnPath(tool, env)) === undefined) continue;
    // `display` is a common name; only ImageMagick's can paint the root window.
    if (tool === 'display' && !(await isImageMagickDisplay(env, signal))) continue;
    const screen = await rootSize(env, signal);
    try {
      await runX11Tool(tool, argsFor(file, screen), {
        env,
        signal,
        timeoutMs: WALLPAPER_TOOL_TIMEOUT_MS,
      });
    } catch (err) {
      // ImageMagick's display exits 1 after painting the root window; its errors go to stderr.
      if (tool === 'display' && isSilentExitOne(err)) return;
      throw err;
    }
    return;
  }
  unsupported(
    'set_wallpaper needs a tool that can put an image on the X root window (xwallpaper, feh, ' +
      'hsetroot or ImageMagick); none is installed on this server',
  );
}

function isSilentExitOne(err: unknown): boolean {
  return err instanceof CommandError && /failed: exit code 1$/.test(err.message);
}

async function isImageMagickDisplay(env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<boolean> {
  try {
    return /ImageMagick/.test(await runX11Tool('display', ['-version'], { env, signal }));
  } catch {
    return false;
  }
}

async function rootSize(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<{ width: number; height: number }> {
  const out = await runX11Tool('xwininfo', ['-root'], { env, signal });
  const width = Number(/^\s*Width:\s+(\d+)/m.exec(out)?.[1]);
  const height = Number(/^\s*Height:\s+(\d+)/m.exec(out)?.[1]);
  if (!(width > 0 && height > 0)) {
    throw new CommandError('command_failed', 'Could not read the screen size from xwininfo -root');
  }
  return { width, height };
}
