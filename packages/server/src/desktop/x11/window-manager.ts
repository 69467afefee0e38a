import { CommandError } from '../../core/command-error.js';
import { decodeUtf8, propertyValues, readProperty, readText } from './properties.js';
import type { X11Connection } from './x11-connection.js';

/**
 * The running EWMH window manager's name (what `wmctrl -m` prints as Name): the root's
 * `_NET_SUPPORTING_WM_CHECK` names a window of the WM, whose `_NET_WM_NAME` is the WM's name.
 * Undefined when no EWMH window manager runs, or the check window is stale (left behind by a WM
 * that died: gone, or no longer pointing at itself).
 */
export async function windowManagerName(connection: X11Connection): Promise<string | undefined> {
  const check = propertyValues(
    await readProperty(connection, connection.root, '_NET_SUPPORTING_WM_CHECK'),
  )[0];
  if (check === undefined || check === 0) return undefined;
  try {
    const [self, netName, name] = await Promise.all([
      readProperty(connection, check, '_NET_SUPPORTING_WM_CHECK'),
      readProperty(connection, check, '_NET_WM_NAME'),
      readText(connection, check, 'WM_NAME'),
    ]);
    const selfCheck = propertyValues(self)[0];
    if (selfCheck !== undefined && selfCheck !== check) return undefined;
    const text = decodeUtf8(netName) || name;
    return text === '' ? undefined : text;
  } catch (err) {
    if (err instanceof CommandError && err.code === 'not_found') return undefined;
    throw err;
  }
}
