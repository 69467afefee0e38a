import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { Variant } from '@jellybrick/dbus-next';
import { CommandError, unsupported } from '../../core/command-error.js';
import { findOnPath } from '../../system/find-on-path.js';
import { posixShellArgv } from '../../system/shell-argv.js';
import { DBusConnection, dbusErrorName } from './dbus-connection.js';
import { startPrivateSessionBus } from './private-session-bus.js';

const A11Y_BUS = { destination: 'org.a11y.Bus', path: '/org/a11y/bus' } as const;
const PROPERTIES = 'org.freedesktop.DBus.Properties';

export interface AccessibilityBusOptions {
  /** The server's child environment: DISPLAY, DBUS_SESSION_BUS_ADDRESS, PATH. */
  env: NodeJS.ProcessEnv;
}

/**
 * The AT-SPI bus, found (or started) and switched on for as long as the server runs:
 * `org.a11y.Status.IsEnabled` is what Chromium, Electron and Qt wait for before they join.
 * at-spi-bus-launcher keeps that flag in the user's settings (GSettings / dconf), so the value
 * found is put back on close, and by a watchdog process if the server dies without closing.
 */
export class AccessibilityBus {
  private constructor(
    readonly connection: DBusConnection,
    /** The session bus apps must share with us to find the same AT-SPI bus; undefined if none. */
    readonly sessionAddress: string | undefined,
    private readonly session: DBusConnection | undefined,
    private readonly restoreEnabled: boolean,
    private readonly ownedProcesses: ChildProcess[],
  ) {}

  static async start(options: AccessibilityBusOptions): Promise<AccessibilityBus> {
    const env = options.env;
    const direct = env.AT_SPI_BUS_ADDRESS;
    if (direct) {
      return new AccessibilityBus(await openOrFail(direct), undefined, undefined, false, []);
    }
    const owned: ChildProcess[] = [];
    let sessionAddress = env.DBUS_SESSION_BUS_ADDRESS ?? (await xdgSessionBus(env));
    if (!sessionAddress) {
      const bus = await startPrivateSessionBus(env);
      owned.push(bus.child);
      sessionAddress = bus.address;
    }
    let session: DBusConnection | undefined;
    try {
      session = await openOrFail(sessionAddress);
      const address = await a11yBusAddress(session);
      const wasEnabled = await isEnabled(session);
      if (!wasEnabled) await setEnabled(session, true);
      if (!wasEnabled || owned.length > 0) {
        const watchdog = await startWatchdog(env, sessionAddress, !wasEnabled, owned);
        owned.push(watchdog);
      }
      const connection = await openOrFail(address);
      return new AccessibilityBus(connection, sessionAddress, session, !wasEnabled, owned);
    } catch (err) {
      session?.close();
      for (const child of owned) child.kill();
      throw err;
    }
  }

  get alive(): boolean {
    return this.connection.alive && (this.session?.alive ?? true);
  }

  async close(): Promise<void> {
    this.connection.close();
    if (this.session) {
      if (this.restoreEnabled && this.session.alive) {
        await setEnabled(this.session, false).catch(() => undefined);
      }
      this.session.close();
    }
    for (const child of this.ownedProcesses) child.kill();
  }
}

async function openOrFail(address: string): Promise<DBusConnection> {
  try {
    return await DBusConnection.open(address);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CommandError('unsupported', `cannot connect to the D-Bus at ${address}: ${message}`);
  }
}

/** systemd's per-user bus, used when the variable is missing from a service's environment. */
async function xdgSessionBus(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!env.XDG_RUNTIME_DIR) return undefined;
  const socket = path.join(env.XDG_RUNTIME_DIR, 'bus');
  try {
    await access(socket);
    return `unix:path=${socket}`;
  } catch {
    return undefined;
  }
}

async function a11yBusAddress(session: DBusConnection): Promise<string> {
  try {
    const [address] = await session.call({
      ...A11Y_BUS,
      interface: 'org.a11y.Bus',
      member: 'GetAddress',
    });
    if (typeof address === 'string' && address) return address;
    unsupported('the accessibility bus launcher gave no address');
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const name = dbusErrorName(err);
    if (name === 'org.freedesktop.DBus.Error.ServiceUnknown') {
      unsupported(
        'no AT-SPI accessibility bus: nothing provides org.a11y.Bus on the session bus ' +
          '(Debian package at-spi2-core)',
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    unsupported(`the AT-SPI bus launcher failed: ${message}`);
  }
}

async function isEnabled(session: DBusConnection): Promise<boolean> {
  const [value] = await session.call({
    ...A11Y_BUS,
    interface: PROPERTIES,
    member: 'Get',
    signature: 'ss',
    body: ['org.a11y.Status', 'IsEnabled'],
  });
  return value instanceof Variant ? value.value === true : value === true;
}

async function setEnabled(session: DBusConnection, enabled: boolean): Promise<void> {
  await session.call({
    ...A11Y_BUS,
    interface: PROPERTIES,
    member: 'Set',
    signature: 'ssv',
    body: ['org.a11y.Status', 'IsEnabled', new Variant('b', enabled)],
  });
}

/**
 * A small shell loop that outlives a killed server: once our pid is gone it switches
 * IsEnabled back off (when we switched it on) and stops the session bus we started. A clean
 * close does both itself and kills it.
 */
async function startWatchdog(
  env: NodeJS.ProcessEnv,
  sessionAddress: string,
  restoreEnabled: boolean,
  owned: ChildProcess[],
): Promise<ChildProcess> {
  const dbusSend = restoreEnabled ? await findOnPath('dbus-send', env) : undefined;
  const ownedPids = owned.map((child) => child.pid).filter((pid) => pid !== undefined);
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    (dbusSend
      ? `"$2" --session --type=method_call --dest=${A11Y_BUS.destination} ${A11Y_BUS.path} ` +
        `${PROPERTIES}.Set string:org.a11y.Status string:IsEnabled variant:boolean:false; `
      : '') +
    (ownedPids.length > 0 ? `kill ${ownedPids.join(' ')} 2>/dev/null; ` : '') +
    'exit 0';
  const [shell, args] = posixShellArgv(script, [
    'a11y-watchdog',
    String(process.pid),
    dbusSend ?? '',
  ]);
  const child = spawn(shell, args, {
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: sessionAddress },
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return child;
}
