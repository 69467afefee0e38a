import type { X11Connection } from './x11-connection.js';

/** Atoms 1 to 68 are predefined by the protocol: the same on every server. */
const LAST_PREDEFINED_ATOM = 68;

/**
 * Atoms are fixed for the life of a connection, so each name is interned once per connection.
 * Keyed by the connection object: a reconnected display gets a fresh cache (atom numbers are per
 * server, and a restarted server may number them differently).
 */
const caches = new WeakMap<X11Connection, Map<string, Promise<number>>>();

export function atom(connection: X11Connection, name: string): Promise<number> {
  let cache = caches.get(connection);
  if (cache === undefined) {
    cache = new Map();
    caches.set(connection, cache);
    try {
      isolateClientAtoms(connection);
    } catch (error) {
      caches.delete(connection);
      return Promise.reject(error);
    }
  }
  let pending = cache.get(name);
  if (pending === undefined) {
    pending = connection.call<number>(`InternAtom(${name})`, (client, callback) =>
      client.InternAtom(false, name, callback),
    );
    cache.set(name, pending);
    // A failed lookup (display gone mid-request) must not stay cached as a failure.
    const settled = pending;
    settled.catch(() => {
      if (cache.get(name) === settled) cache.delete(name);
    });
  }
  return pending;
}

/** Several atoms at once (pipelined: one round trip for the names not yet cached). */
export async function atoms<const N extends string>(
  connection: X11Connection,
  names: readonly N[],
): Promise<Record<N, number>> {
  const values = await Promise.all(names.map((name) => atom(connection, name)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as Record<N, number>;
}

/**
 * The `x11` package (4.2.2) starts every client on one module-level atom table and adds what it
 * interns there, so a name interned on one connection is answered from that table on any other
 * (another display, or the same display's restarted server after a reconnect) without asking:
 * a wrong number, then BadAtom. This connection gets a table of its own, predefined atoms only.
 */
function isolateClientAtoms(connection: X11Connection): void {
  const client = connection.raw;
  client.atoms = Object.fromEntries(
    Object.entries(client.atoms).filter(([, value]) => value <= LAST_PREDEFINED_ATOM),
  );
}
