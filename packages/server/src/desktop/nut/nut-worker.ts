// The desktop worker: the only file that imports nut-js. It runs in its own process because
// nut-js's native module ends the process (SIGSEGV, or Xlib's exit(1)) when the display is
// missing or dies; the server survives that and starts a new worker when the display is back.
import nut from '@nut-tree-fork/nut-js';
import { encodeFrame } from '../media/encode-image.js';
import type {
  MouseButtonName,
  WorkerMethod,
  WorkerMethods,
  WorkerReady,
  WorkerReply,
  WorkerRequest,
} from './worker-protocol.js';

const { clipboard, keyboard, mouse, screen, Button, Key, Point, Region } = nut;

// Warp, don't animate; no artificial pauses (nut-js defaults to slow, human-like input).
mouse.config.autoDelayMs = 0;
mouse.config.mouseSpeed = 1e9;
screen.config.autoHighlight = false;
keyboard.config.autoDelayMs = 0;

function keysOf(names: string[]) {
  return names.map((name) => {
    const key = (Key as unknown as Record<string, (typeof Key)[keyof typeof Key] | undefined>)[
      name
    ];
    if (key === undefined) throw new Error(`nut-js has no key ${name}`);
    return key;
  });
}

const BUTTONS: Record<MouseButtonName, (typeof Button)[keyof typeof Button]> = {
  left: Button.LEFT,
  right: Button.RIGHT,
  middle: Button.MIDDLE,
};

type Impl = {
  [M in WorkerMethod]: (...args: WorkerMethods[M]['args']) => Promise<WorkerMethods[M]['result']>;
};

const impl: Impl = {
  screenSize: async () => ({ width: await screen.width(), height: await screen.height() }),
  cursorPosition: async () => {
    const { x, y } = await mouse.getPosition();
    return { x, y };
  },
  grab: async (region) => {
    const image = region
      ? await screen.grabRegion(new Region(region.x, region.y, region.width, region.height))
      : await screen.grab();
    return { width: image.width, height: image.height, data: image.data };
  },
  // Encoding here keeps the server's event loop free and sends ~10x fewer bytes over IPC.
  capture: async (region, options) => encodeFrame(await impl.grab(region), options),
  move: async (x, y) => {
    await mouse.setPosition(new Point(x, y));
    return null;
  },
  buttonDown: async (button) => {
    await mouse.pressButton(BUTTONS[button]);
    return null;
  },
  buttonUp: async (button) => {
    await mouse.releaseButton(BUTTONS[button]);
    return null;
  },
  click: async (button, count) => {
    if (count === 2) await mouse.doubleClick(BUTTONS[button]);
    else for (let i = 0; i < count; i++) await mouse.click(BUTTONS[button]);
    return null;
  },
  scroll: async (dx, dy) => {
    if (dy > 0) await mouse.scrollUp(dy);
    if (dy < 0) await mouse.scrollDown(-dy);
    // nut-js swaps the horizontal wheel buttons on X11 (its scrollRight sends button 6, which X
    // defines as left), so each direction calls the other's method.
    if (dx > 0) await mouse.scrollLeft(dx);
    if (dx < 0) await mouse.scrollRight(-dx);
    return null;
  },
  typeText: async (text) => {
    await keyboard.type(text);
    return null;
  },
  keyDown: async (names) => {
    await keyboard.pressKey(...keysOf(names));
    return null;
  },
  keyUp: async (names) => {
    await keyboard.releaseKey(...keysOf(names));
    return null;
  },
  readClipboard: () => clipboard.getContent(),
  writeClipboard: async (text) => {
    await clipboard.setContent(text);
    return null;
  },
};

function send(message: WorkerReply | WorkerReady): void {
  process.send?.(message);
}

process.on('message', (message: WorkerRequest) => {
  const run = impl[message.method] as (...args: unknown[]) => Promise<unknown>;
  run(...message.args).then(
    (result) => send({ id: message.id, ok: true, result }),
    (err: unknown) =>
      send({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The server went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));

const size = await impl.screenSize();
send({ ready: true, ...size });
