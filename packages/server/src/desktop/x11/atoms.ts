import type { X11Connection } from './x11-connection.js';

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
