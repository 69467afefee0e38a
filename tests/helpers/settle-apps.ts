import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findWindow, stopProcess, waitFor, windowGeometry, x } from './desktop.js';

/** Debian's python3 (python3-gi lives there), not a pyenv one on PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface SettleApp {
  readonly windowId: string;
  /** The window's client area on the screen. */
  readonly area: { x: number; y: number; width: number; height: number };
  /** Lines the app wrote to its log (e.g. when it repainted). */
  log(): string[];
  close(): Promise<void>;
}

/** Each key makes the terminal wait, then turn its whole background to the next of these. */
export const REPAINT_COLORS = ['#ff0000', '#0000ff', '#00c000', '#ffff00'] as const;

/**
 * A raw xterm that answers every key only `delayMs` later, by turning its whole background to
 * the next of REPAINT_COLORS: an app whose repaint starts well after the input.
 */
export function openDelayedRepaint(display: string, delayMs = 300): Promise<SettleApp> {
  const script = String.raw`
import os, sys, time, tty
colors = sys.argv[1].split(',')
delay = float(sys.argv[2]) / 1000
log = open(sys.argv[3], 'a', buffering=1)
tty.setraw(0)
os.write(1, b'\x1b[?25l')
log.write('ready\n')
i = 0
while True:
    if not os.read(0, 1): break
    time.sleep(delay)
    os.write(1, ('\x1b]11;%s\x07\x1b[2J' % colors[i % len(colors)]).encode())
    log.write('painted %s\n' % colors[i % len(colors)])
    i += 1
`;
  return openTerminalApp(display, 'settle-delayed', script, [
    REPAINT_COLORS.join(','),
    `${delayMs}`,
  ]);
}

/** A terminal that prints a line every 20 ms, forever: a screen that never settles. */
export function openAnimation(display: string): Promise<SettleApp> {
  const script = String.raw`
import os, sys, time
log = open(sys.argv[1], 'a', buffering=1)
log.write('ready\n')
i = 0
while True:
    os.write(1, ('frame %d\r\n' % i).encode())
    i += 1
    time.sleep(0.02)
`;
  return openTerminalApp(display, 'settle-animation', script, []);
}

/**
 * A GTK 3 window with a focused entry whose caret blinks (GTK's defaults: 1.2 s cycles, on for
 * 800 ms, off for 400 ms; never stopping here, where GTK would stop after 10 idle seconds). The
 * entry's text goes to the log on every change.
 */
export function openCaretEntry(display: string): Promise<SettleApp> {
  const script = String.raw`
import sys
import gi
gi.require_version('Gtk', '3.0')
from gi.repository import Gtk
log = open(sys.argv[1], 'a', buffering=1)
settings = Gtk.Settings.get_default()
settings.set_property('gtk-cursor-blink', True)
settings.set_property('gtk-cursor-blink-time', 1200)
settings.set_property('gtk-cursor-blink-timeout', 2147483647)
win = Gtk.Window(title='settle-caret')
win.set_default_size(360, 80)
win.move(200, 200)
entry = Gtk.Entry()
entry.connect('changed', lambda e: log.write('text %s\n' % e.get_text()))
win.add(entry)
win.connect('destroy', Gtk.main_quit)
win.show_all()
entry.grab_focus()
log.write('ready\n')
Gtk.main()
`;
  return openApp(
    display,
    'settle-caret',
    (file, logFile) =>
      spawn(SYSTEM_PYTHON, [file, logFile], {
        env: { ...process.env, DISPLAY: display, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1' },
        stdio: 'ignore',
      }),
    script,
  );
}

function openTerminalApp(
  display: string,
  title: string,
  script: string,
  args: string[],
): Promise<SettleApp> {
  return openApp(
    display,
    title,
    (file, logFile) =>
      spawn(
        'xterm',
        [
          '-T',
          title,
          '-geometry',
          '60x15+150+150',
          '+bc',
          '-e',
          SYSTEM_PYTHON,
          file,
          ...args,
          logFile,
        ],
        { env: { ...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8' }, stdio: 'ignore' },
      ),
    script,
  );
}

async function openApp(
  display: string,
  title: string,
  start: (file: string, logFile: string) => ChildProcess,
  script: string,
): Promise<SettleApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cua-settle-'));
  const file = join(dir, 'app.py');
  const logFile = join(dir, 'log');
  writeFileSync(file, script);
  writeFileSync(logFile, '');
  const child = start(file, logFile);
  const log = () => readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  try {
    await waitFor(() => (log().includes('ready') ? true : undefined), 15_000, `${title} to start`);
    const windowId = await findWindow(display, title);
    x(display, 'xdotool', ['windowactivate', '--sync', windowId]);
    const area = windowGeometry(display, windowId);
    return {
      windowId,
      area,
      log,
      close: () => stopProcess(child, dir),
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The RGB of one pixel of an encoded image (PNG or JPEG). */
export async function pixelAt(image: Uint8Array, px: number, py: number): Promise<number[]> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (Math.round(py) * info.width + Math.round(px)) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

/** `#rrggbb` as [r, g, b]. */
export function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}
