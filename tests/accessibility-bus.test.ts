import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

/** The pids of a process's children (from /proc, nothing the server reports). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'cua-a11y-nobus-'));
    env = cleanEnv({
      DISPLAY: desktop.display,
      XDG_RUNTIME_DIR: home,
      XDG_CONFIG_HOME: join(home, 'config'),
    });
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.AT_SPI_BUS_ADDRESS;
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** The server's own session bus: its dbus-daemon child, once the first call has started it. */
  async function privateBusOf(pid: number): Promise<number> {
    return waitFor(
      () =>
        childrenOf(pid).find((child) =>
          readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('dbus-daemon'),
        ),
      5000,
      'the private dbus-daemon',
    );
  }

  it('the server starts its own; a GTK app started with only DISPLAY joins it', async () => {
    const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
    let daemon = 0;
    try {
      // Nothing focused yet: an honest empty answer, which also starts the bus.
      const empty = await request(cli.url, 'get_accessibility_tree', { scope: 'all' });
      expect(empty).toMatchObject({ success: true, note: expect.stringMatching(/no application/) });
      daemon = await privateBusOf(cli.child.pid!);
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
    }
    await waitFor(() => (alive(daemon) ? undefined : true), 10_000, 'the private bus gone');
  }, 60_000);

  it('its bus goes with it even when accessibility was already on (nothing to restore)', async () => {
    // The user's own setting, in this test's dconf: on.
    const set = spawnSync(
      'dbus-run-session',
      ['--', 'gsettings', 'set', 'org.gnome.desktop.interface', 'toolkit-accessibility', 'true'],
      { env, encoding: 'utf8' },
    );
    expect(set.status, set.stderr).toBe(0);
    const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
    const reply = await request(cli.url, 'get_accessibility_tree', { scope: 'all' });
    expect(reply).toMatchObject({ success: true });
    const daemon = await privateBusOf(cli.child.pid!);
    const exited = once(cli.child, 'exit');
    cli.child.kill('SIGKILL');
    await exited;
    await waitFor(() => (alive(daemon) ? undefined : true), 10_000, 'the private bus gone');
    const get = spawnSync(
      'dbus-run-session',
      ['--', 'gsettings', 'get', 'org.gnome.desktop.interface', 'toolkit-accessibility'],
      { env, encoding: 'utf8' },
    );
    expect(get.stdout.trim()).toBe('true');
  }, 40_000);
});

describe('saying precisely what is missing', () => {
  it('no session bus and no dbus-daemon to start one: unsupported, naming the packages', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cua-a11y-nodaemon-'));
    const env = cleanEnv({ DISPLAY: desktop.display, XDG_RUNTIME_DIR: home, PATH: '/nonexistent' });
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
    try {
      const reply = await request(cli.url, 'get_accessibility_tree');
      expect(reply).toMatchObject({ success: false, code: 'unsupported' });
      expect(reply.error).toMatch(/dbus-daemon is not installed.*at-spi2-core/);
      expect(reply).not.toHaveProperty('tree');
    } finally {
      cli.child.kill('SIGKILL');
      await once(cli.child, 'exit');
      rmSync(home, { recursive: true, force: true });
    }
  }, 30_000);

  it('a session bus without AT-SPI on it: unsupported, naming at-spi2-core', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cua-a11y-noatspi-'));
    const config = join(home, 'session.conf');
    // A session bus whose only service directory is empty: as if at-spi2-core were missing.
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${home}</listen><auth>EXTERNAL</auth>
<servicedir>${home}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    const daemon = spawn(
      'dbus-daemon',
      [`--config-file=${config}`, '--nofork', '--print-address=1'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const address = await new Promise<string>((resolve) => {
        let out = '';
        daemon.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
        });
      });
      const env = cleanEnv({ DISPLAY: desktop.display, DBUS_SESSION_BUS_ADDRESS: address });
      const cli = await startCli(['--port', '0', '--log-level', 'silent'], env);
      try {
        const reply = await request(cli.url, 'find_element', { role: 'button' });
        expect(reply).toMatchObject({ success: false, code: 'unsupported' });
        expect(reply.error).toMatch(/nothing provides org\.a11y\.Bus.*at-spi2-core/);
      } finally {
        cli.child.kill('SIGKILL');
        await once(cli.child, 'exit');
      }
    } finally {
      daemon.kill();
      await once(daemon, 'exit');
      rmSync(home, { recursive: true, force: true });
    }
  }, 30_000);
});
