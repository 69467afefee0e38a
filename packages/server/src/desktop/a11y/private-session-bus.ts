import { spawn, type ChildProcess } from 'node:child_process';
import { unsupported } from '../../core/command-error.js';
import { findOnPath } from '../../system/find-on-path.js';

const START_TIMEOUT_MS = 5000;

export interface PrivateSessionBus {
  address: string;
  child: ChildProcess;
}

/**
 * A session bus of the server's own, for machines that have none (a bare container, `--xvfb`):
 * AT-SPI's bus launcher is found through a session bus, and D-Bus activation starts it there.
 * It inherits DISPLAY, so the launcher also publishes its address on the X root window, where
 * apps started without our environment find it.
 */
export async function startPrivateSessionBus(env: NodeJS.ProcessEnv): Promise<PrivateSessionBus> {
  const daemon = await findOnPath('dbus-daemon', env);
  if (daemon === undefined) {
    unsupported(
      'accessibility needs a session D-Bus: DBUS_SESSION_BUS_ADDRESS is not set and dbus-daemon ' +
        'is not installed to start one (Debian packages dbus-daemon and at-spi2-core)',
    );
  }
  const child = spawn(daemon, ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.on('error', () => undefined);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error('dbus-daemon printed no address in time')),
      START_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(err);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => fail(new Error(`dbus-daemon exited (${code}) before it started`)));
  });
  child.stdout.resume();
  child.unref();
  return { address, child };
}
