import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SessionBus {
  /** DBUS_SESSION_BUS_ADDRESS of the bus. */
  readonly address: string;
  /** The environment for apps (and the server) that should share this bus and display. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A session D-Bus of the test's own, on the test's display, with private runtime and config
 * directories: AT-SPI's bus launcher is activated on it, so two test files never share an AT-SPI
 * bus, and the accessibility setting it saves never reaches the machine's user.
 */
export async function startSessionBus(display: string): Promise<SessionBus> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'cua-a11y-run-'));
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DISPLAY: display,
    XDG_RUNTIME_DIR: runtimeDir,
    // dconf (activated by the AT-SPI launcher) keeps IsEnabled here, not in the user's settings.
    XDG_CONFIG_HOME: join(runtimeDir, 'config'),
    NO_AT_BRIDGE: '0',
  };
  delete baseEnv.DBUS_SESSION_BUS_ADDRESS;
  delete baseEnv.AT_SPI_BUS_ADDRESS;
  const child: ChildProcess = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--nopidfile', '--print-address=1'],
    { env: baseEnv, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  return {
    address,
    env: { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
