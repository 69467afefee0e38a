import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

export interface VirtualDisplayOptions {
  width?: number;
  height?: number;
  depth?: number;
  /** e.g. `:99`; by default Xvfb picks a free number itself. */
  display?: string;
  /** An EWMH window manager makes window commands work; `none` for a bare X server. */
  windowManager?: 'openbox' | 'none';
  startTimeoutMs?: number;
}

export interface VirtualDisplay {
  /** The `DISPLAY` value, e.g. `:99`. */
  readonly display: string;
  readonly width: number;
  readonly height: number;
  readonly xvfbPid: number;
  /** Resolves when the X server process has exited (killed, crashed or stopped). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stopProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Reads the display number Xvfb writes to `-displayfd` once it accepts connections. */
function readDisplayNumber(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`Xvfb did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /(\d+)\s*\n/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(`:${match[1]}`);
      }
    });
    stream.on('end', () => {
      clearTimeout(timer);
      reject(new Error('Xvfb exited before it was ready'));
    });
  });
}

/** Waits until the window manager has announced itself on the root window (EWMH). */
async function waitForWindowManager(display: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const probe = spawnSync('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'], {
      env: { ...process.env, DISPLAY: display },
      encoding: 'utf8',
    });
    if (probe.status === 0 && /window id #/.test(probe.stdout)) return;
    await delay(50);
  }
  throw new Error(`the window manager did not start on ${display}`);
}

async function waitForServer(display: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const probe = spawnSync('xprop', ['-root', '-len', '0'], {
      env: { ...process.env, DISPLAY: display },
    });
    if (probe.status === 0) return;
    await delay(50);
  }
  throw new Error(`Xvfb on ${display} did not accept connections`);
}

/**
 * Starts a virtual X display (Xvfb) with a light window manager (openbox), for machines without a
 * screen. Needs the Debian packages of scripts/install-desktop-deps.sh.
 */
export async function startVirtualDisplay(
  options: VirtualDisplayOptions = {},
): Promise<VirtualDisplay> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const depth = options.depth ?? 24;
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const screen = ['-screen', '0', `${width}x${height}x${depth}`, '-nolisten', 'tcp', '-noreset'];

  let xvfb: ChildProcess;
  let display: string;
  try {
    if (options.display) {
      display = options.display;
      xvfb = spawn('Xvfb', [display, ...screen], { stdio: 'ignore' });
      await Promise.race([
        waitForServer(display, deadline),
        once(xvfb, 'exit').then(() => {
          throw new Error(`Xvfb could not start on ${display} (is it in use?)`);
        }),
      ]);
    } else {
      xvfb = spawn('Xvfb', ['-displayfd', '3', ...screen], {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      });
      display = await readDisplayNumber(xvfb.stdio[3] as Readable, timeoutMs);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'Xvfb is not installed: run scripts/install-desktop-deps.sh (Debian package xvfb)',
      );
    }
    throw err;
  }
  const xvfbProcess = xvfb;
  const exited = new Promise<void>((resolve) => {
    if (xvfbProcess.exitCode !== null) resolve();
    else xvfbProcess.once('exit', () => resolve());
  });

  let wm: ChildProcess | undefined;
  if ((options.windowManager ?? 'openbox') === 'openbox') {
    wm = spawn('openbox', ['--sm-disable'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: display },
    });
    try {
      await waitForWindowManager(display, deadline);
    } catch (err) {
      await stopProcess(wm);
      await stopProcess(xvfbProcess);
      throw err;
    }
  }

  let stopping: Promise<void> | undefined;
  return {
    display,
    width,
    height,
    xvfbPid: xvfbProcess.pid!,
    exited,
    stop: () => {
      stopping ??= (async () => {
        if (wm) await stopProcess(wm);
        await stopProcess(xvfbProcess);
      })();
      return stopping;
    },
  };
}
