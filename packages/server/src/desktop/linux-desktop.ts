import type { NormalizedKey } from '@cua/computer-protocol';
import type { Logger } from 'pino';
import { CommandError } from '../command-error.js';
import type {
  DamageEvent,
  Desktop,
  DesktopCapabilities,
  DesktopWindows,
  EncodedImage,
  EncodeOptions,
  Frame,
  Monitor,
  MouseButtonName,
  Region,
} from './desktop.js';
import { environmentWithDisplay } from './environment.js';
import { WorkerSupervisor } from './worker-supervisor.js';
import { readClipboard, writeClipboard } from './x11-clipboard.js';
import { rootSize } from './x11/geometry.js';
import { setWallpaper } from './x11/wallpaper.js';
import { windowManagerName } from './x11/window-manager.js';
import { X11Windows } from './x11/windows.js';
import { X11Connection } from './x11/x11-connection.js';

/** Typing and keys: exact Unicode through XTest (nut-js drops Shift and non-ASCII on X11). */
export interface KeyboardEngine {
  readonly closed: boolean;
  typeText(text: string, signal?: AbortSignal): Promise<void>;
  keyDown(key: NormalizedKey): Promise<void>;
  keyUp(key: NormalizedKey): Promise<void>;
  pressKey(key: NormalizedKey): Promise<void>;
  hotkey(keys: NormalizedKey[]): Promise<void>;
  close(): Promise<void>;
}

export interface LinuxDesktopOptions {
  display: string | undefined;
  logger: Logger;
  /** Opens a keyboard on the display; called again after the display came back. */
  openKeyboard: (display: string) => Promise<KeyboardEngine>;
}

/**
 * X11: screen and mouse through nut-js in a supervised worker process, keyboard through XTest on
 * a pure-JS X connection, clipboard through xsel. Nothing here can take the server down with the
 * display: each part reports `display_unavailable` and reconnects on a later call.
 */
export class LinuxDesktop implements Desktop {
  readonly capabilities: DesktopCapabilities = {
    name: 'nut',
    exactTyping: true,
    windows: true,
    damage: false,
    monitors: false,
  };
  readonly windows: DesktopWindows;
  private readonly worker: WorkerSupervisor;
  private keyboard: Promise<KeyboardEngine> | undefined;
  /** Windows, window manager and wallpaper: EWMH on a pure-JS X connection of their own. */
  private connection: Promise<X11Connection> | undefined;
  private closed = false;

  constructor(private readonly options: LinuxDesktopOptions) {
    this.worker = new WorkerSupervisor({ display: options.display, logger: options.logger });
    this.windows = new X11Windows({ connection: () => this.x11() });
  }

  async monitors(): Promise<Monitor[]> {
    const { width, height } = await this.screenSize();
    return [{ name: 'screen', x: 0, y: 0, width, height, primary: true }];
  }

  onDamage(_listener: (event: DamageEvent) => void): () => void {
    return () => undefined;
  }

  async windowManagerName(): Promise<string | undefined> {
    return windowManagerName(await this.x11());
  }

  async setWallpaper(path: string, signal?: AbortSignal): Promise<void> {
    const connection = await this.x11();
    await setWallpaper(path, {
      env: environmentWithDisplay(this.options.display),
      screenSize: await rootSize(connection),
      windowManagerName: () => windowManagerName(connection),
      signal,
    });
  }

  screenSize() {
    return this.worker.call('screenSize');
  }

  cursorPosition() {
    return this.worker.call('cursorPosition');
  }

  grab(region?: Region): Promise<Frame> {
    return region ? this.worker.call('grab', region) : this.worker.call('grab');
  }

  capture(region: Region | undefined, options: EncodeOptions): Promise<EncodedImage> {
    return this.worker.call('capture', region, options);
  }

  async move(x: number, y: number) {
    await this.worker.call('move', x, y);
  }

  async buttonDown(button: MouseButtonName) {
    await this.worker.call('buttonDown', button);
  }

  async buttonUp(button: MouseButtonName) {
    await this.worker.call('buttonUp', button);
  }

  async click(button: MouseButtonName, count: number) {
    await this.worker.call('click', button, count);
  }

  async scroll(dx: number, dy: number) {
    await this.worker.call('scroll', dx, dy);
  }

  async typeText(text: string, signal?: AbortSignal) {
    await (await this.openKeyboard()).typeText(text, signal);
  }

  async keyDown(key: NormalizedKey) {
    await (await this.openKeyboard()).keyDown(key);
  }

  async keyUp(key: NormalizedKey) {
    await (await this.openKeyboard()).keyUp(key);
  }

  async pressKey(key: NormalizedKey) {
    await (await this.openKeyboard()).pressKey(key);
  }

  async hotkey(keys: NormalizedKey[]) {
    await (await this.openKeyboard()).hotkey(keys);
  }

  readClipboard() {
    return readClipboard(this.requireDisplay());
  }

  writeClipboard(text: string) {
    return writeClipboard(this.requireDisplay(), text);
  }

  async close() {
    this.closed = true;
    const keyboard = await this.keyboard?.catch(() => undefined);
    const connection = await this.connection?.catch(() => undefined);
    await Promise.all([this.worker.close(), keyboard?.close(), connection?.close()]);
  }

  private requireDisplay(): string {
    const { display } = this.options;
    if (!display) {
      throw new CommandError(
        'display_unavailable',
        'No display: set DISPLAY, or start the server with --xvfb to get a virtual one',
      );
    }
    return display;
  }

  /** The shared X connection, opened on first use and again after the display came back. */
  private async x11(): Promise<X11Connection> {
    if (this.closed) {
      throw new CommandError('display_unavailable', 'The desktop was closed (server shutdown)');
    }
    const pending = this.connection;
    if (pending !== undefined) {
      const connection = await pending.catch(() => undefined);
      if (connection !== undefined && !connection.closed) return connection;
      // Another caller may have started the replacement while this one waited.
      if (this.connection !== pending) return this.x11();
    }
    const { display } = this.options;
    if (!display) {
      throw new CommandError(
        'display_unavailable',
        "No X display: DISPLAY is not set in the server's environment (or start it with --xvfb)",
      );
    }
    const opening = X11Connection.open({ display });
    this.connection = opening;
    return opening;
  }

  private async openKeyboard(): Promise<KeyboardEngine> {
    const current = await this.keyboard?.catch(() => undefined);
    if (current && !current.closed) return current;
    const display = this.requireDisplay();
    this.keyboard = this.options.openKeyboard(display);
    return this.keyboard;
  }
}
