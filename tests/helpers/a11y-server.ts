import type { AccessibilityNode } from '@cua/computer-protocol';
import sharp from 'sharp';
import { expect } from 'vitest';
import { startSessionBus, type SessionBus } from './a11y-bus.js';
import { useDesktopServer, type DesktopServer } from './desktop-server.js';

type Reply = Record<string, unknown>;

export interface AccessibleDesktopServer {
  /** The desktop, the server and its raw client. */
  readonly ctx: DesktopServer;
  /** The test's own session bus, which the server and the apps share. */
  readonly bus: SessionBus;
  /** Sends a command and returns its reply (tree walks may take a while: 20 s). */
  readonly call: (command: string, params?: Record<string, unknown>) => Promise<Reply>;
  /** The same, failing the test (with the reply) unless the command succeeded. */
  readonly ok: (command: string, params?: Record<string, unknown>) => Promise<Reply>;
}

const BUS_VARIABLES = ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR'] as const;

/**
 * `useDesktopServer` with a raw client and a session bus of the test's own. The server reads
 * its children's environment live, so it finds the bus through this worker's environment,
 * which is set before the server starts and restored at the end. `closeApps` ends what the file
 * started on the bus, once the server has closed and before the bus stops.
 */
export function useAccessibleDesktopServer(options: {
  closeApps: () => unknown;
  timeoutMs: number;
}): AccessibleDesktopServer {
  let bus: SessionBus | undefined;
  const saved = Object.fromEntries(BUS_VARIABLES.map((name) => [name, process.env[name]]));
  const ctx = useDesktopServer({
    client: 'raw',
    server: async ({ display }) => {
      bus = await startSessionBus(display);
      process.env.DBUS_SESSION_BUS_ADDRESS = bus.address;
      process.env.XDG_RUNTIME_DIR = bus.env.XDG_RUNTIME_DIR;
      return { display };
    },
    afterServer: async () => {
      await options.closeApps();
      await bus?.stop();
      for (const name of BUS_VARIABLES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    },
    timeoutMs: options.timeoutMs,
  });
  const call = (command: string, params: Record<string, unknown> = {}) =>
    ctx.client.request({ command, params }, 20_000);
  return {
    ctx,
    get bus() {
      if (!bus) throw new Error('the session bus starts in beforeAll');
      return bus;
    },
    call,
    ok: async (command, params = {}) => {
      const reply = await call(command, params);
      expect(reply, `${command} ${JSON.stringify(reply).slice(0, 400)}`).toMatchObject({
        success: true,
      });
      return reply;
    },
  };
}

/** A tree's nodes, depth first. */
export function flatten(node: AccessibilityNode): AccessibilityNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

/** A screenshot of the server's screen, as a test of whether the pixel at (x, y) is plainly red. */
export async function redOnScreen(
  ok: AccessibleDesktopServer['ok'],
): Promise<(x: number, y: number) => boolean> {
  const shot = await ok('screenshot', { format: 'png' });
  const { data, info } = await sharp(Buffer.from(shot.image_data as string, 'base64'))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return (px, py) => {
    const i = (Math.floor(py) * info.width + Math.floor(px)) * 3;
    return data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! < 80;
  };
}
