import { spawn, type ChildProcess } from 'node:child_process';
import { findWindow, placedWindowGeometry, stopProcess, waitFor, x } from './desktop.js';

export interface XevEvent {
  type: string;
  button?: number;
  x?: number;
  y?: number;
  /** Where on the screen the event happened. */
  rootX?: number;
  rootY?: number;
  /** Modifier/button state mask, as xev prints it (e.g. 0x100 while button 1 is held). */
  state?: number;
}

/**
 * An `xev` window at a known place that reports the pointer events it receives: an independent
 * witness of what our mouse commands did.
 */
export async function openEventWindow(
  display: string,
  geometry = { x: 600, y: 100, width: 300, height: 200 },
) {
  // stdbuf: xev's stdout is block-buffered on a pipe, and events must arrive as they happen.
  const child: ChildProcess = spawn(
    'stdbuf',
    [
      '-oL',
      'xev',
      '-geometry',
      `${geometry.width}x${geometry.height}+${geometry.x}+${geometry.y}`,
      '-event',
      'button',
      '-event',
      'mouse',
      '-name',
      'xev-witness',
    ],
    { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await waitFor(
    () => (/MapNotify|Expose|ConfigureNotify/.test(text) || text.length > 0 ? true : undefined),
    10_000,
    'xev',
  );
  const windowId = await findWindow(display, 'xev-witness');
  // Where the window really is (the window manager shifts it for its decorations).
  const area = await placedWindowGeometry(display, windowId);

  const events = (): XevEvent[] => {
    const list: XevEvent[] = [];
    for (const block of text.split(/\n\n+/)) {
      const type = /^(\w+) event/.exec(block.trim())?.[1];
      if (!type || !/Button|Motion/.test(type)) continue;
      const event: XevEvent = { type };
      const button = /button (\d+)/.exec(block);
      if (button) event.button = Number(button[1]);
      const pos = /\((-?\d+),(-?\d+)\), root:\((-?\d+),(-?\d+)\)/.exec(block);
      if (pos) {
        event.x = Number(pos[1]);
        event.y = Number(pos[2]);
        event.rootX = Number(pos[3]);
        event.rootY = Number(pos[4]);
      }
      const state = /state (0x[0-9a-f]+)/.exec(block);
      if (state) event.state = Number(state[1]);
      list.push(event);
    }
    return list;
  };
  return {
    area,
    center: { x: area.x + Math.floor(area.width / 2), y: area.y + Math.floor(area.height / 2) },
    events,
    clear: () => {
      text = '';
    },
    presses: () =>
      events()
        .filter((e) => e.type === 'ButtonPress')
        .map((e) => e.button),
    close: () => stopProcess(child),
  };
}

/**
 * An xev window that holds the keyboard focus, its events cleared: a decoy that shows a click
 * landed elsewhere (text then reaches the clicked window only if the click did).
 */
export async function openFocusedEventWindow(
  display: string,
  geometry: { x: number; y: number; width: number; height: number },
) {
  const witness = await openEventWindow(display, geometry);
  x(display, 'xdotool', ['windowactivate', '--sync', await findWindow(display, 'xev-witness')]);
  witness.clear();
  return witness;
}
