import { atom } from './atoms.js';
import type { X11Connection } from './x11-connection.js';

const CLIENT_MESSAGE = 33;
const SUBSTRUCTURE_NOTIFY = 1 << 19;
const SUBSTRUCTURE_REDIRECT = 1 << 20;

/** EWMH source indication: a pager or similar tool acting for the user, which WMs honour. */
export const SOURCE_PAGER = 2;

/**
 * Sends a ClientMessage about `window` to the root window, where the window manager listens
 * (EWMH/ICCCM requests: `_NET_WM_STATE`, `_NET_ACTIVE_WINDOW`, `WM_CHANGE_STATE`, …). Resolves
 * once the server has processed it; what the window manager makes of it must be checked apart.
 */
export async function sendToWindowManager(
  connection: X11Connection,
  window: number,
  type: string,
  data: readonly number[],
): Promise<void> {
  const typeAtom = await atom(connection, type);
  const event = Buffer.alloc(32);
  event[0] = CLIENT_MESSAGE;
  event[1] = 32; // format: five 32-bit values
  event.writeUInt32LE(window >>> 0, 4);
  event.writeUInt32LE(typeAtom >>> 0, 8);
  data.slice(0, 5).forEach((value, i) => event.writeUInt32LE(value >>> 0, 12 + i * 4));
  const root = connection.root;
  await connection.call<void>(`SendEvent(${type})`, (client, callback) =>
    client.SendEvent(root, 0, SUBSTRUCTURE_REDIRECT | SUBSTRUCTURE_NOTIFY, event, callback),
  );
}
