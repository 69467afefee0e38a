import { Computer } from '@cua/computer-client';
import type { ComputerServerOptions, RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll } from 'vitest';
import { startDesktop, type VirtualDisplay } from './desktop.js';
import { RawClient, startServer } from './server.js';

export interface DesktopServerOptions {
  /** The virtual display: 1280x800 with openbox unless told otherwise. */
  desktop?: Parameters<typeof startDesktop>[0];
  /**
   * The server's options once the desktop runs; `{ display }` by default. It may start what the
   * server needs first (then `afterServer` ends that).
   */
  server?: (desktop: VirtualDisplay) => ComputerServerOptions | Promise<ComputerServerOptions>;
  /** `raw`: a RawClient on the server (`client`); `computer`: a connected Computer (`computer`). */
  client?: 'raw' | 'computer';
  /** Runs once the client and server have closed, before the desktop stops. */
  afterServer?: () => unknown;
  /** For the setup and for the teardown; 30 s by default. */
  timeoutMs?: number;
}

export interface DesktopServer {
  readonly desktop: VirtualDisplay;
  /** The desktop's X display, `:N`. */
  readonly display: string;
  readonly server: RunningServer;
  /** With `client: 'raw'`. */
  readonly client: RawClient;
  /** With `client: 'computer'`. */
  readonly computer: Computer;
}

/**
 * A real Xvfb desktop, a real server on it and a client, for the tests of one file: registers
 * the `beforeAll` that starts them and the `afterAll` that closes them (client, server, then
 * the desktop), and returns accessors valid from the file's first test on. The file's own
 * `afterAll` hooks run before this one's (vitest runs them in reverse order).
 */
export function useDesktopServer(options: DesktopServerOptions = {}): DesktopServer {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let desktop: VirtualDisplay | undefined;
  let server: RunningServer | undefined;
  let client: RawClient | undefined;
  let computer: Computer | undefined;

  beforeAll(async () => {
    desktop = await startDesktop(options.desktop);
    const serverOptions = options.server
      ? await options.server(desktop)
      : { display: desktop.display };
    server = await startServer(serverOptions);
    if (options.client === 'raw') client = await RawClient.open(server.url);
    if (options.client === 'computer') {
      computer = new Computer({ url: server.url });
      await computer.connect();
    }
  }, timeoutMs);

  afterAll(async () => {
    await client?.close();
    await computer?.close();
    await server?.close();
    await options.afterServer?.();
    await desktop?.stop();
  }, timeoutMs);

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: used before beforeAll, or not asked for`);
    return value;
  };
  return {
    get desktop() {
      return ready(desktop, 'desktop');
    },
    get display() {
      return ready(desktop, 'desktop').display;
    },
    get server() {
      return ready(server, 'server');
    },
    get client() {
      return ready(client, "client (client: 'raw')");
    },
    get computer() {
      return ready(computer, "computer (client: 'computer')");
    },
  };
}

/** The variables that name a desktop session, which get_desktop_environment believes first. */
export const SESSION_VARIABLES = [
  'XDG_CURRENT_DESKTOP',
  'DESKTOP_SESSION',
  'KDE_FULL_SESSION',
  'GNOME_DESKTOP_SESSION_ID',
] as const;

/**
 * Unsets these variables of this worker's environment (which the server reads) for the tests of
 * one file, and restores them after. Call it before `useDesktopServer`: unset before the desktop
 * starts, restored after it stopped.
 */
export function useUnsetEnv(names: readonly string[]): void {
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const name of names) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
