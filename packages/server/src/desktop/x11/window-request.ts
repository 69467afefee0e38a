import type { X11Callback, X11Client } from './x11-types.js';
import type { X11Connection } from './x11-connection.js';
import { windowNotFound } from './window-id.js';

const BAD_WINDOW = 3;
const BAD_DRAWABLE = 9;

type Outcome<T> = { gone: true } | { gone: false; value: T };

/**
 * A request about one window: the window having gone away (BadWindow, or BadDrawable for
 * GetGeometry) is `not_found` for that window, not a failed command. Every other outcome is
 * `connection.call`'s.
 */
export async function windowRequest<T>(
  connection: X11Connection,
  window: number,
  name: string,
  send: (client: X11Client, callback: X11Callback<T>) => void,
): Promise<T> {
  const outcome = await connection.call<Outcome<T>>(name, (client, callback) =>
    send(client, (error, value) => {
      if (error?.error === BAD_WINDOW || error?.error === BAD_DRAWABLE) {
        return callback(null, { gone: true });
      }
      if (error !== null && error !== undefined) return callback(error);
      return callback(null, { gone: false, value: value as T });
    }),
  );
  if (outcome.gone) throw windowNotFound(window);
  return outcome.value;
}
