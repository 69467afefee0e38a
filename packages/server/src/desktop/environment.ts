import { SERVER_SECRET_ENV_NAMES } from '../system/child-secrets.js';

const SECRETS = new Set<string | symbol>(SERVER_SECRET_ENV_NAMES);

/**
 * The one environment child processes (desktop tools, launched apps, commands, terminals) run
 * in: the server's own, read live (so later changes to it count), without the server's
 * secrets, and with DISPLAY pinned to the display this server drives when one was given (so
 * several servers in one process can drive different displays).
 */
export function environmentWithDisplay(display: string | undefined): NodeJS.ProcessEnv {
  const pinned = (key: string | symbol) => display !== undefined && key === 'DISPLAY';
  return new Proxy(process.env, {
    get: (target, key) =>
      pinned(key) ? display : SECRETS.has(key) ? undefined : (Reflect.get(target, key) as unknown),
    has: (target, key) => pinned(key) || (!SECRETS.has(key) && Reflect.has(target, key)),
    ownKeys: (target) => [
      ...new Set([
        ...Reflect.ownKeys(target).filter((key) => !SECRETS.has(key)),
        ...(display === undefined ? [] : ['DISPLAY']),
      ]),
    ],
    getOwnPropertyDescriptor: (target, key) => {
      if (pinned(key))
        return { value: display, enumerable: true, configurable: true, writable: true };
      if (SECRETS.has(key)) return undefined;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}
