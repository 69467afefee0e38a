/**
 * The environment desktop tools and launched apps run in: the server's own, read live (so later
 * changes to it count), with DISPLAY pinned to the display this server drives when one was
 * given. Several servers in one process can then drive different displays.
 */
export function environmentWithDisplay(display: string | undefined): NodeJS.ProcessEnv {
  if (display === undefined) return process.env;
  const pinned = (key: string | symbol) => key === 'DISPLAY';
  return new Proxy(process.env, {
    get: (target, key) => (pinned(key) ? display : Reflect.get(target, key)),
    has: (target, key) => pinned(key) || Reflect.has(target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), 'DISPLAY'])],
    getOwnPropertyDescriptor: (target, key) =>
      pinned(key)
        ? { value: display, enumerable: true, configurable: true, writable: true }
        : Reflect.getOwnPropertyDescriptor(target, key),
  });
}
