import type { WindowGeometry } from '../desktop.js';
import type { X11Connection } from './x11-connection.js';
import type { X11GetGeometryReply, X11TranslateCoordinatesReply } from './x11-types.js';
import { windowRequest } from './window-request.js';

/**
 * A window's area in root coordinates, as xwininfo reports it ("Absolute upper-left" and size):
 * the outer corner of its border, and its inside size.
 */
export async function windowGeometry(
  connection: X11Connection,
  id: number,
): Promise<WindowGeometry> {
  const [{ width, height, borderWidth }, { destX, destY }] = await Promise.all([
    windowRequest<X11GetGeometryReply>(connection, id, 'GetGeometry', (c, cb) =>
      c.GetGeometry(id, cb),
    ),
    windowRequest<X11TranslateCoordinatesReply>(connection, id, 'TranslateCoordinates', (c, cb) =>
      c.TranslateCoordinates(id, connection.root, 0, 0, cb),
    ),
  ]);
  // Translating (0, 0) and stepping back over the border is xwininfo's (-border, -border), in
  // one round trip instead of two. Managed clients have no border in practice.
  return { x: destX - borderWidth, y: destY - borderWidth, width, height };
}

/** The root window's size: the screen, as it is now (RandR may have changed it). */
export async function rootSize(
  connection: X11Connection,
): Promise<{ width: number; height: number }> {
  const root = connection.root;
  const { width, height } = await connection.call<X11GetGeometryReply>('GetGeometry', (c, cb) =>
    c.GetGeometry(root, cb),
  );
  return { width, height };
}
