import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startVirtualDisplay,
  type VirtualDisplay,
  type VirtualDisplayOptions,
} from '@cua/computer-server';

export type { VirtualDisplay };

/** A real Xvfb display with openbox, for one test file. */
export function startDesktop(options: VirtualDisplayOptions = {}): Promise<VirtualDisplay> {
  return startVirtualDisplay({ width: 1280, height: 800, ...options });
}

/** Runs an X tool against a display and returns its stdout (throws on failure). */
export function x(display: string, command: string, args: string[]): string {
  const run = spawnSync(command, args, {
    env: { ...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** The RGB of a pixel of the root window as ImageMagick's `import` reads it from the X server. */
export function rootPixel(display: string, px: number, py: number): [number, number, number] {
  const out = x(display, 'import', [
    '-window',
    'root',
    '-crop',
    `1x1+${px}+${py}`,
    '-depth',
    '8',
    'txt:-',
  ]);
  // "0,0: (220,30,40)  #DC1E28  srgb(220,30,40)"
  const match = /^0,0: \((\d+),(\d+),(\d+)/m.exec(out);
  if (match === null) throw new Error(`unexpected ImageMagick output: ${out}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The pointer position as the X server reports it (xdotool, independent of our code). */
export function pointerPosition(display: string): { x: number; y: number } {
  const out = x(display, 'xdotool', ['getmouselocation', '--shell']);
  const value = (name: string) => Number(new RegExp(`^${name}=(\\d+)`, 'm').exec(out)![1]);
  return { x: value('X'), y: value('Y') };
}

/**
 * A window's client area on the root window, from xwininfo. (`xdotool getwindowgeometry` counts
 * the window manager's frame offset twice under a reparenting window manager such as openbox.)
 */
export function windowGeometry(
  display: string,
  windowId: string,
): { x: number; y: number; width: number; height: number } {
  const out = x(display, 'xwininfo', ['-id', windowId]);
  const value = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(out)![1]);
  return {
    x: value('Absolute upper-left X'),
    y: value('Absolute upper-left Y'),
    width: value('Width'),
    height: value('Height'),
  };
}

/**
 * Where a window is once it is on the screen: mapped and viewable, and placed (its geometry the
 * same on two reads, since the window manager reparents and moves it a moment after it maps).
 * Input sent before then can land on whatever was under it.
 */
export async function placedWindowGeometry(
  display: string,
  windowId: string,
  timeoutMs = 10_000,
): Promise<{ x: number; y: number; width: number; height: number }> {
  let previous = '';
  return waitFor(
    async () => {
      if (!/Map State:\s+IsViewable/.test(x(display, 'xwininfo', ['-id', windowId]))) {
        return undefined;
      }
      const geometry = windowGeometry(display, windowId);
      const key = JSON.stringify(geometry);
      const placed = key === previous;
      previous = key;
      if (!placed) await sleep(50);
      return placed ? geometry : undefined;
    },
    timeoutMs,
    `window ${windowId} to be placed`,
  );
}

/** The id of the first window whose title is exactly `title`, once it exists. */
export function findWindow(display: string, title: string, timeoutMs = 10_000): Promise<string> {
  return waitFor(
    () => {
      const run = spawnSync('xdotool', ['search', '--name', `^${title}$`], {
        env: { ...process.env, DISPLAY: display },
        encoding: 'utf8',
      });
      return run.status === 0 && run.stdout.trim() ? run.stdout.trim().split('\n')[0] : undefined;
    },
    timeoutMs,
    `a window titled ${title}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills a process the test started (SIGKILL, if it still runs), waits for it, removes `dir`. */
export async function stopProcess(child: ChildProcess, dir?: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Polls until `check` returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface RecordingTerminal {
  readonly child: ChildProcess;
  readonly windowId: string;
  /** Every byte typed into the terminal so far. */
  bytes(): Buffer;
  /** Waits until at least `count` bytes arrived. */
  waitForBytes(count: number, timeoutMs?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * An xterm in raw mode whose input goes byte for byte into a file: what a keyboard command typed
 * is exactly what the file holds. The window is focused and raised.
 */
export async function openRecordingTerminal(
  display: string,
  title = `rec-${Date.now()}`,
): Promise<RecordingTerminal> {
  const dir = mkdtempSync(join(tmpdir(), 'cua-term-'));
  const file = join(dir, 'typed.bin');
  const ready = join(dir, 'ready');
  const child = spawn(
    'xterm',
    [
      '-T',
      title,
      '-geometry',
      '80x24+100+100',
      '-e',
      'sh',
      '-c',
      `stty raw -echo; touch ${ready}; exec cat > ${file}`,
    ],
    { env: { ...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8' }, stdio: 'ignore' },
  );
  await waitFor(() => (fileSize(ready) >= 0 ? true : undefined), 10_000, 'xterm to start');
  const windowId = await findWindow(display, title);
  x(display, 'xdotool', ['windowactivate', '--sync', windowId]);
  const bytes = () => (fileSize(file) >= 0 ? readFileSync(file) : Buffer.alloc(0));
  return {
    child,
    windowId,
    bytes,
    waitForBytes: (count, timeoutMs = 10_000) =>
      waitFor(
        () => (fileSize(file) >= count ? readFileSync(file) : undefined),
        timeoutMs,
        `${count} bytes typed`,
      ),
    close: () => stopProcess(child, dir),
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}
