import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@cua/computer-server';
import { findWindow, stopProcess, waitFor } from './desktop.js';

/** Debian's python3 (python3-gi, python3-pyatspi live there), not a pyenv one on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * A GTK 3 window whose every change is written to a JSON file, so tests check what happened
 * without asking AT-SPI: the button counts presses (and puts the count in the title), the
 * entry, check box and slider save their values. The button is pure red, to find on screen.
 */
const GTK_APP = String.raw`
import json, os, sys
import gi
gi.require_version('Gtk', '3.0')
from gi.repository import Gtk, Gdk
state_file, title, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
state = {'presses': 0, 'entry': '', 'checked': False, 'slider': 0}
def save():
    with open(state_file + '.tmp', 'w') as f: json.dump(state, f)
    os.replace(state_file + '.tmp', state_file)
css = Gtk.CssProvider()
css.load_from_data(b'#red-button { background-image: none; background-color: #ff0000; border: none; box-shadow: none; }')
Gtk.StyleContext.add_provider_for_screen(Gdk.Screen.get_default(), css, Gtk.STYLE_PROVIDER_PRIORITY_USER)
win = Gtk.Window(title=title)
win.set_default_size(420, 360)
win.move(120, 90)
box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8)
box.set_border_width(10)
win.add(box)
button = Gtk.Button(label='Press me')
button.set_name('red-button')
def pressed(_b):
    state['presses'] += 1
    win.set_title('%s pressed %d' % (title, state['presses']))
    save()
button.connect('clicked', pressed)
box.pack_start(button, False, False, 0)
entry = Gtk.Entry()
entry.get_accessible().set_name('Your name')
def changed(e):
    state['entry'] = e.get_text(); save()
entry.connect('changed', changed)
box.pack_start(entry, False, False, 0)
check = Gtk.CheckButton(label='Enable feature')
def toggled(c):
    state['checked'] = c.get_active(); save()
check.connect('toggled', toggled)
box.pack_start(check, False, False, 0)
scale = Gtk.Scale.new_with_range(Gtk.Orientation.HORIZONTAL, 0, 100, 1)
scale.get_accessible().set_name('Volume')
def moved(s):
    state['slider'] = s.get_value(); save()
scale.connect('value-changed', moved)
box.pack_start(scale, False, False, 0)
if rows:
    scrolled = Gtk.ScrolledWindow()
    scrolled.set_min_content_height(120)
    inner = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
    for i in range(rows):
        inner.pack_start(Gtk.Label(label='Row %d' % i), False, False, 0)
    scrolled.add(inner)
    box.pack_start(scrolled, True, True, 0)
win.connect('destroy', Gtk.main_quit)
win.show_all()
save()
Gtk.main()
`;

export interface GtkApp {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly windowId: string;
  readonly title: string;
  state(): { presses: number; entry: string; checked: boolean; slider: number };
  close(): Promise<void>;
}

export async function startGtkApp(
  env: NodeJS.ProcessEnv,
  title: string,
  options: { rows?: number } = {},
): Promise<GtkApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cua-gtk-'));
  const script = join(dir, 'app.py');
  const stateFile = join(dir, 'state.json');
  writeFileSync(script, GTK_APP);
  const child = spawn(SYSTEM_PYTHON, [script, stateFile, title, String(options.rows ?? 0)], {
    env,
    stdio: 'ignore',
  });
  const windowId = await findWindow(env.DISPLAY!, title, 15_000);
  const state = () => JSON.parse(readFileSync(stateFile, 'utf8')) as ReturnType<GtkApp['state']>;
  await waitFor(() => {
    try {
      return state();
    } catch {
      return undefined;
    }
  }, 10_000);
  return {
    child,
    pid: child.pid!,
    windowId,
    title,
    state,
    close: () => stopProcess(child, dir),
  };
}

export interface ChromiumPage {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dir: string;
  close(): Promise<void>;
}

/** Chromium on the test's display showing a local page, with its accessibility switch on. */
export function startChromium(env: NodeJS.ProcessEnv, html: string): ChromiumPage {
  const dir = mkdtempSync(join(tmpdir(), 'cua-chromium-'));
  const page = join(dir, 'page.html');
  writeFileSync(page, html);
  const child = spawn(
    '/usr/bin/chromium',
    [
      '--force-renderer-accessibility',
      ...CHROMIUM_ARGS,
      '--disable-features=Translate,MediaRouter',
      '--password-store=basic',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--window-position=0,0',
      '--window-size=1000,700',
      `file://${page}`,
    ],
    { env, stdio: 'ignore', detached: true },
  );
  return {
    child,
    pid: child.pid!,
    dir,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        // Its own process group: the renderers and the GPU process go with it.
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The window title as the X server has it (xdotool), independent of AT-SPI. */
export function windowTitle(display: string, windowId: string): string {
  const run = spawnSync('xdotool', ['getwindowname', windowId], {
    env: { ...process.env, DISPLAY: display },
    encoding: 'utf8',
  });
  return run.stdout.trim();
}
