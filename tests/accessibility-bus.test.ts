import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGtkApp } from './helpers/a11y-apps.js';
import { startSessionBus, type SessionBus } from './helpers/a11y-bus.js';
import { startDesktop, waitFor, x, type VirtualDisplay } from './helpers/desktop.js';
import { cleanEnv, RawClient, startCli } from './helpers/server.js';

let desktop: VirtualDisplay;

beforeAll(async () => {
  desktop = await startDesktop();
}, 30_000);

afterAll(async () => {
  await desktop?.stop();
});

/** org.a11y.Status.IsEnabled read with dbus-send, not with the server's D-Bus code. */
function isEnabled(env: NodeJS.ProcessEnv): boolean {
  const run = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.a11y.Bus',
      '/org/a11y/bus',
      'org.freedesktop.DBus.Properties.Get',
      'string:org.a11y.Status',
      'string:IsEnabled',
    ],
    { env, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`dbus-send failed: ${run.stderr}`);
  return /boolean true/.test(run.stdout);
}

async function request(url: string, command: string, params: Record<string, unknown> = {}) {
  const client = await RawClient.open(url);
  try {
    client.send({ command, params });
    return (await client.waitFor(1, 20_000))[0]!;
  } finally {
    await client.close();
  }
}

describe('turning accessibility on', () => {
  let bus: SessionBus;

  beforeAll(async () => {
    bus = await startSessionBus(desktop.display);
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it('IsEnabled is on while the server runs and back off when it dies, even by SIGKILL', async () => {
    expect(isEnabled(bus.env)).toBe(false);
    const { DISPLAY, DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, XDG_CONFIG_HOME } = bus.env;
    const env = cleanEnv({ DISPLAY, DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, XDG_CONFIG_HOME });
    const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
    try {
      const reply = await request(cli.url, 'get_accessibility_tree');
      expect(reply, JSON.stringify(reply)).toMatchObject({ success: true });
      expect(isEnabled(bus.env)).toBe(true);
    } finally {
      const exited = once(cli.child, 'exit');
      cli.child.kill('SIGKILL');
      await exited;
    }
    // The server's watchdog puts the user's setting back once the server is gone.
    await waitFor(() => (isEnabled(bus.env) ? undefined : true), 10_000, 'IsEnabled off again');
  }, 40_000);
});

describe('a machine without a session bus', () => {
  it('the server starts its own; a GTK app started with only DISPLAY joins it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cua-a11y-nobus-'));
    const env = cleanEnv({
      DISPLAY: desktop.display,
      XDG_RUNTIME_DIR: home,
      XDG_CONFIG_HOME: join(home, 'config'),
    });
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.AT_SPI_BUS_ADDRESS;
    const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
    try {
      // Nothing focused yet: an honest empty answer, which also starts the bus.
      const empty = await request(cli.url, 'get_accessibility_tree', { scope: 'all' });
      expect(empty).toMatchObject({ success: true, note: expect.stringMatching(/no application/) });
      // The AT-SPI launcher published its bus on the root window for apps without our env.
      expect(x(desktop.display, 'xprop', ['-root', 'AT_SPI_BUS'])).toMatch(/unix:/);
      const app = await startGtkApp(env, `No bus ${process.pid}`);
      try {
        x(desktop.display, 'xdotool', ['windowactivate', '--sync', app.windowId]);
        const found = await waitFor(
          async () => {
            const reply = await request(cli.url, 'find_element', { role: 'button' });
            return reply.success ? reply : undefined;
          },
          15_000,
          'the app on the server-started bus',
        );
        expect(found.element).toMatchObject({ name: 'Press me', pid: app.pid });
      } finally {
        await app.close();
      }
    } finally {
      const exited = once(cli.child, 'exit');
      cli.child.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
