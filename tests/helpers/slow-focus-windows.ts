import { createRequire } from 'node:module';

// The `x11` package has no types; this is the little of it the helper uses.
interface RawEvent {
  name?: string;
  wid?: number;
}
interface RawClient {
  AllocID(): number;
  CreateWindow(
    id: number,
    parent: number,
    x: number,
    y: number,
    width: number,
    height: number,
    borderWidth: number,
    depth: number,
    windowClass: number,
    visual: number,
    values: { backgroundPixel?: number; eventMask?: number },
  ): void;
  MapWindow(id: number): void;
  SetInputFocus(id: number, revertTo: number): void;
  GetInputFocus(callback: (error: unknown, reply: { focus: number }) => void): void;
  on(event: 'event', listener: (event: RawEvent) => void): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  terminate(): void;
}
interface RawDisplay {
  client: RawClient;
  screen: { root: number; white_pixel: number }[];
}
interface X11Package {
  createClient(
    options: { display: string },
    callback: (error: unknown, display: RawDisplay) => void,
  ): void;
  eventMask: { KeyPress: number; ButtonPress: number };
}

const x11 = createRequire(import.meta.url)('x11') as X11Package;
const REVERT_TO_POINTER_ROOT = 1;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SlowFocusWindows {
  /** Key presses each window received, by name. */
  keys(name: string): number;
  /** Gives a window the focus now. */
  focus(name: string): Promise<void>;
  close(): void;
}

/**
 * Plain windows on a display without a window manager, and a stand-in for one that is slow: a
 * click on a window listed in `focusOnClick` gives it the keyboard focus only `delayMs` later, the
 * way a window manager on a loaded machine does. Each window counts the key presses it gets.
 */
export function openSlowFocusWindows(
  display: string,
  windows: Record<string, Box>,
  options: { focusOnClick: string[]; delayMs: number },
): Promise<SlowFocusWindows> {
  return new Promise((resolve, reject) => {
    x11.createClient({ display }, (error, connection) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      const client = connection.client;
      const screen = connection.screen[0]!;
      const ids = new Map<string, number>();
      const counts = new Map<number, number>();
      for (const [name, box] of Object.entries(windows)) {
        const id = client.AllocID();
        client.CreateWindow(id, screen.root, box.x, box.y, box.width, box.height, 0, 0, 0, 0, {
          backgroundPixel: screen.white_pixel,
          eventMask: x11.eventMask.KeyPress | x11.eventMask.ButtonPress,
        });
        client.MapWindow(id);
        ids.set(name, id);
        counts.set(id, 0);
      }
      const focusOnClick = new Set(options.focusOnClick.map((name) => ids.get(name)));
      client.on('error', () => undefined);
      client.on('event', (event) => {
        if (event.wid === undefined) return;
        if (event.name === 'KeyPress') counts.set(event.wid, (counts.get(event.wid) ?? 0) + 1);
        if (event.name === 'ButtonPress' && focusOnClick.has(event.wid)) {
          const id = event.wid;
          setTimeout(() => client.SetInputFocus(id, REVERT_TO_POINTER_ROOT), options.delayMs);
        }
      });
      const idOf = (name: string) => {
        const id = ids.get(name);
        if (id === undefined) throw new Error(`no window ${name}`);
        return id;
      };
      // One round trip, so the windows are mapped before anyone clicks on them.
      client.GetInputFocus(() =>
        resolve({
          keys: (name) => counts.get(idOf(name)) ?? 0,
          focus: (name) =>
            new Promise((done) => {
              client.SetInputFocus(idOf(name), REVERT_TO_POINTER_ROOT);
              client.GetInputFocus(() => done());
            }),
          close: () => client.terminate(),
        }),
      );
    });
  });
}
