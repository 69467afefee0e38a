import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { CommandError, unsupported } from '../../core/command-error.js';
import { detectDesktopEnvironment } from '../desktop-environment.js';
import { findOnPath } from '../../system/find-on-path.js';
import { fileError } from '../../files/fs-error.js';
import { runTool, ToolExitError } from './run-tool.js';

/** Decoding and scaling a large photo for the root window takes a while. */
const WALLPAPER_TOOL_TIMEOUT_MS = 20_000;

export interface WallpaperOptions {
  /** Where PATH, DISPLAY and the session variables are read from, at every call. */
  env: NodeJS.ProcessEnv;
  /** The screen's size, for tools that must be told what to fill. */
  screenSize: { width: number; height: number };
  /**
   * The EWMH window manager's name, for sessions that set no desktop variables (a bare mutter
   * or kwin then still counts as GNOME or KDE). Without it only the variables decide.
   */
  windowManagerName?: () => Promise<string | undefined>;
  signal?: AbortSignal | undefined;
}

interface GsettingsKey {
  schema: string;
  key: string;
  uri: boolean;
}

/** GSettings keys that hold the wallpaper, per desktop that draws its own background. */
const GSETTINGS_WALLPAPER: Record<string, GsettingsKey[]> = {
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
 * image. Anything else is `unsupported`, never a silent success. These tools may keep running as
 * processes: setting a wallpaper is rare, and painting an image is their job, not the protocol's.
 */
export async function setWallpaper(file: string, options: WallpaperOptions): Promise<void> {
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
  const environment = await detectDesktopEnvironment(
    options.env,
    options.windowManagerName ?? (() => Promise.resolve(undefined)),
  );
  const keys = GSETTINGS_WALLPAPER[environment];
  if (keys !== undefined) return setWithGsettings(environment, keys, file, options);
  if (OWN_BACKGROUND.has(environment)) {
    unsupported(
      `set_wallpaper does not support the ${environment} desktop yet: it draws its own ` +
        'background, so an image on the X root window would not show',
    );
  }
  return setRootWindowImage(file, options);
}

async function setWithGsettings(
  environment: string,
  keys: GsettingsKey[],
  file: string,
  { env, signal }: WallpaperOptions,
): Promise<void> {
  if ((await findOnPath('gsettings', env)) === undefined) {
    unsupported(`set_wallpaper on ${environment} needs gsettings, which is not installed`);
  }
  const uri = pathToFileURL(file).href;
  for (const [index, { schema, key, uri: asUri }] of keys.entries()) {
    const value = asUri ? uri : file;
    try {
      await runTool('gsettings', ['set', schema, key, value], { env, signal });
    } catch (err) {
      // picture-uri-dark exists only since GNOME 42; the main key is what must work.
      if (index > 0) continue;
      throw err;
    }
    if (index > 0) continue;
    // Without the session's D-Bus, gsettings writes to a throwaway memory backend and exits 0.
    const readBack = await runTool('gsettings', ['get', schema, key], { env, signal });
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

async function setRootWindowImage(file: string, options: WallpaperOptions): Promise<void> {
  const { env, signal } = options;
  for (const [tool, argsFor] of ROOT_TOOLS) {
    if ((await findOnPath(tool, env)) === undefined) continue;
    // `display` is a common name; only ImageMagick's can paint the root window.
    if (tool === 'display' && !(await isImageMagickDisplay(env, signal))) continue;
    try {
      await runTool(tool, argsFor(file, options.screenSize), {
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
  return err instanceof ToolExitError && err.exitCode === 1 && err.stderr.trim() === '';
}

async function isImageMagickDisplay(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    return /ImageMagick/.test(await runTool('display', ['-version'], { env, signal }));
  } catch {
    return false;
  }
}
