import { createRequire } from 'node:module';

// The `x11` package has no types; this is the little of it the helper uses.
interface RawClient {
  QueryPointer(
    window: number,
    callback: (error: unknown, reply: { keyMask: number }) => void,
  ): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  terminate(): void;
}
interface X11Package {
  createClient(
    options: { display: string },
    callback: (error: unknown, display: { client: RawClient; screen: { root: number }[] }) => void,
  ): void;
}

const x11 = createRequire(import.meta.url)('x11') as X11Package;

/** The core modifier bits: Shift, Lock, Control, Mod1..Mod5. */
const MODIFIER_BITS = 0xff;

export interface ModifierProbe {
  /** The modifiers the X server has in effect now (held or locked), as its core state mask. */
  mask(): Promise<number>;
  close(): void;
}

/**
 * The X server's own word on which modifiers are in effect (QueryPointer on a connection of its
 * own, not through our code): what applications see in the state of their next key event.
 */
export function openModifierProbe(display: string): Promise<ModifierProbe> {
  return new Promise((resolve, reject) => {
    x11.createClient({ display }, (error, connection) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      const { client } = connection;
      const root = connection.screen[0]!.root;
      client.on('error', () => undefined);
      resolve({
        mask: () =>
          new Promise((done, fail) =>
            client.QueryPointer(root, (queryError, reply) =>
              queryError
                ? fail(new Error(String(queryError)))
                : done(reply.keyMask & MODIFIER_BITS),
            ),
          ),
        close: () => client.terminate(),
      });
    });
  });
}
