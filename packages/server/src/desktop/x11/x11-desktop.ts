import type { NormalizedKey } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';
import type {
  CursorImage,
  DamageEvent,
  Desktop,
  DesktopCapabilities,
  EncodedImage,
  EncodeOptions,
  GrabbedFrame,
  Monitor,
  MouseButtonName,
  Region,
} from '../desktop.js';
import { CloseHooks } from '../close-hooks.js';
import { noDisplayError } from '../display.js';
import { environmentWithDisplay } from '../environment.js';
import { encodeFrame } from '../media/encode-image.js';
import { X11Capture } from './capture.js';
import { readClipboard, writeClipboard } from './clipboard.js';
import { X11Cursor } from './cursor.js';
import { X11Damage } from './damage.js';
import { FocusAfterClick } from './focus-after-click.js';
import { X11Pointer } from './pointer.js';
import { X11Screen } from './screen.js';
import { setWallpaper } from './wallpaper.js';
import { windowManagerName } from './window-manager.js';
import { X11Windows } from './windows.js';
import { X11Connection } from './x11-connection.js';
import { X11Keyboard } from './x11-keyboard.js';

export interface X11DesktopOptions {
  display: string | undefined;
}

/** Everything that lives on one X connection; replaced whole when the display comes back. */
interface Link {
  connection: X11Connection;
  screen: X11Screen;
  capture: X11Capture;
  pointer: X11Pointer;
  keyboard: X11Keyboard;
  focus: FocusAfterClick;
  damage: X11Damage | undefined;
  cursor: X11Cursor | undefined;
  stopForwardingDamage: (() => void) | undefined;
}

/**
 * The Linux backend: one X connection of our own (the pure-JS `x11` package, so a display that
 * dies fails requests instead of taking the process down), with MIT-SHM capture, XTEST pointer
 * and keyboard, EWMH windows, RandR and DAMAGE, and no tool processes on any of those paths.
 * When the connection is lost every call fails with `display_unavailable`, and the first call
 * after the display is back opens a new one.
 */
export class X11Desktop implements Desktop {
  readonly capabilities: DesktopCapabilities = {
    name: 'x11',
    exactTyping: true,
    windows: true,
    damage: true,
    monitors: true,
    cursorImage: true,
  };
  readonly windows: X11Windows;
  private current: Promise<Link> | undefined;
  private readonly damageListeners = new Set<(event: DamageEvent) => void>();
  private readonly closeHooks = new CloseHooks();
  private closed = false;

  constructor(private readonly options: X11DesktopOptions) {
    this.windows = new X11Windows({ connection: async () => (await this.link()).connection });
  }

  async screenSize() {
    return { ...(await this.link()).screen.current };
  }

  async monitors(): Promise<Monitor[]> {
    return (await this.link()).screen.monitors();
  }

  async cursorPosition() {
    const { rootX, rootY } = await (await this.link()).connection.queryPointer();
    return { x: rootX, y: rootY };
  }

  async capture(region: Region | undefined, options: EncodeOptions): Promise<EncodedImage> {
    const link = await this.link();
    const frame = await link.capture.grab(region ?? { x: 0, y: 0, ...link.screen.current });
    try {
      return await encodeFrame(frame, options);
    } finally {
      frame.release();
    }
  }

  async grab(region?: Region): Promise<GrabbedFrame> {
    const link = await this.link();
    return link.capture.grab(region ?? { x: 0, y: 0, ...link.screen.current });
  }

  async cursorImage(): Promise<CursorImage | undefined> {
    return (await this.link()).cursor?.image();
  }

  onDamage(listener: (event: DamageEvent) => void): () => void {
    this.damageListeners.add(listener);
    this.link()
      .then((link) => this.forwardDamage(link))
      .catch(() => undefined);
    return () => {
      this.damageListeners.delete(listener);
      if (this.damageListeners.size > 0) return;
      void this.current
        ?.then((link) => {
          link.stopForwardingDamage?.();
          link.stopForwardingDamage = undefined;
        })
        .catch(() => undefined);
    };
  }

  async move(x: number, y: number) {
    await (await this.link()).pointer.move(x, y);
  }

  async buttonDown(button: MouseButtonName) {
    const link = await this.link();
    await link.pointer.buttonDown(button);
    link.focus.pressed();
  }

  async buttonUp(button: MouseButtonName) {
    await (await this.link()).pointer.buttonUp(button);
  }

  async click(button: MouseButtonName, count: number) {
    const link = await this.link();
    await link.pointer.click(button, count);
    link.focus.pressed();
  }

  async scroll(dx: number, dy: number, signal?: AbortSignal) {
    await (await this.link()).pointer.scroll(dx, dy, signal);
  }

  async typeText(text: string, signal?: AbortSignal) {
    await (await this.keys()).typeText(text, signal);
  }

  async keyDown(key: NormalizedKey) {
    await (await this.keys()).keyDown(key);
  }

  async keyUp(key: NormalizedKey) {
    await (await this.keys()).keyUp(key);
  }

  async pressKey(key: NormalizedKey) {
    await (await this.keys()).pressKey(key);
  }

  async hotkey(keys: NormalizedKey[]) {
    await (await this.keys()).hotkey(keys);
  }

  readClipboard() {
    return readClipboard(this.requireDisplay());
  }

  writeClipboard(text: string) {
    return writeClipboard(this.requireDisplay(), text);
  }

  async windowManagerName(): Promise<string | undefined> {
    return windowManagerName((await this.link()).connection);
  }

  async setWallpaper(path: string, signal?: AbortSignal): Promise<void> {
    const link = await this.link();
    await setWallpaper(path, {
      env: environmentWithDisplay(this.requireDisplay()),
      screenSize: { ...link.screen.current },
      windowManagerName: () => windowManagerName(link.connection),
      signal,
    });
  }

  beforeClose(hook: () => Promise<void>): void {
    this.closeHooks.add(hook);
  }

  async close(): Promise<void> {
    await this.closeHooks.run();
    this.closed = true;
    const link = await this.current?.catch(() => undefined);
    this.current = undefined;
    if (link === undefined) return;
    link.capture.close();
    // The keyboard puts back the keys it rebound, then closes the connection.
    await link.keyboard.close().catch(() => undefined);
    await link.connection.close();
  }

  /** The keyboard, once the focus a recent click asked for has arrived. */
  private async keys(): Promise<X11Keyboard> {
    const link = await this.link();
    await link.focus.beforeKeys();
    return link.keyboard;
  }

  private requireDisplay(): string {
    const { display } = this.options;
    if (!display) throw noDisplayError();
    return display;
  }

  private async link(): Promise<Link> {
    if (this.closed) {
      throw new CommandError('display_unavailable', 'The desktop was closed (server shutdown)');
    }
    const pending = this.current;
    if (pending !== undefined) {
      const link = await pending.catch(() => undefined);
      if (link !== undefined && !link.connection.closed) return link;
      // Another caller may have started the replacement while this one waited.
      if (this.current !== pending) return this.link();
    }
    const opening = this.open();
    this.current = opening;
    return opening;
  }

  private async open(): Promise<Link> {
    const connection = await X11Connection.open({ display: this.requireDisplay() });
    try {
      const screen = await X11Screen.open(connection);
      const { width, height } = screen.current;
      const capture = await X11Capture.open(connection, width * height * 4);
      screen.onResize((size) => {
        capture.resize(size.width * size.height * 4).catch(() => undefined);
      });
      const link: Link = {
        connection,
        screen,
        capture,
        pointer: new X11Pointer(connection, connection.xtestInput, () => screen.current),
        keyboard: new X11Keyboard(connection, { closeConnection: true }),
        focus: new FocusAfterClick(connection),
        damage: await X11Damage.open(connection),
        cursor: await X11Cursor.open(connection),
        stopForwardingDamage: undefined,
      };
      connection.onClosed(() => capture.close());
      this.forwardDamage(link);
      return link;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  private forwardDamage(link: Link): void {
    if (link.damage === undefined || link.stopForwardingDamage !== undefined) return;
    if (this.damageListeners.size === 0) return;
    link.stopForwardingDamage = link.damage.subscribe((event) => {
      for (const listener of this.damageListeners) listener(event);
    });
  }
}
