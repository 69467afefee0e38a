import { CommandError } from '../core/command-error.js';

/**
 * Which desktop environment this is, in upstream's vocabulary (`get_desktop_environment`), also
 * what decides how a wallpaper is set. Not X11: session variables first, then the name the
 * window manager gives itself.
 */

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

/** EWMH window manager names (`_NET_WM_NAME`), lowercased, for sessions that set no variables. */
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
 * `windowManagerName` is asked only when the variables say nothing; its CommandErrors (no
 * display, say) count as no name.
 */
export async function detectDesktopEnvironment(
  env: NodeJS.ProcessEnv,
  windowManagerName: () => Promise<string | undefined>,
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
  const name = (await bestEffort(windowManagerName))?.trim().toLowerCase();
  if (name === undefined) return 'unknown';
  return WINDOW_MANAGERS.find(([pattern]) => pattern.test(name))?.[1] ?? 'unknown';
}

async function bestEffort(read: () => Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await read();
  } catch (err) {
    // No display or no EWMH window manager: detection is best effort, like upstream's.
    if (err instanceof CommandError) return undefined;
    throw err;
  }
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
