import type { NormalizedKey } from '@cua/computer-protocol';
import type { Logger } from 'pino';
import { CommandError } from '../../core/command-error.js';
import type {
  CursorImage,
  DamageEvent,
  Desktop,
  DesktopCapabilities,
  DesktopWindows,
  EncodedImage,
  EncodeOptions,
  GrabbedFrame,
  Monitor,
  MouseButtonName,
  Region,
} from '../desktop.js';
import { CloseHooks } from '../close-hooks.js';
import { nutKeyOf } from './nut-keys.js';
import { WorkerSupervisor } from './worker-supervisor.js';

export interface NutDesktopOptions {
  display: string | undefined;
  logger: Logger;
}

function notOnThisBackend(what: string): CommandError {
  return new CommandError(
    'unsupported',
    `${what} is not available on the nut-js backend; the x11 backend (the default on Linux) has it`,
  );
}

const noWindows = (): Promise<never> => Promise.reject(notOnThisBackend('Window control'));

/** The window commands this backend declares it does not have (capabilities.windows false). */
const UNSUPPORTED_WINDOWS: DesktopWindows = {
  activeWindow: noWindows,
  applicationWindows: noWindows,
  name: noWindows,
  geometry: noWindows,
  setSize: noWindows,
  setPosition: noWindows,
  maximize: noWindows,
  minimize: noWindows,
  activate: noWindows,
  close: noWindows,
  activeWindowBounds: noWindows,
};

/**
 * The portable backend: screen, pointer, keyboard and clipboard through nut-js, the library for
 * macOS and Windows, in a supervised worker process (its native module can end the process when
 * the display goes away). On X11 it runs with `--backend nut`. What nut-js cannot do is declared
 * in `capabilities`: its typing drops Shift and non-ASCII on X11, and it has no window commands,
 * damage events or monitor list here.
 */
export class NutDesktop implements Desktop {
  readonly capabilities: DesktopCapabilities = {
    name: 'nut',
    exactTyping: false,
    windows: false,
    damage: false,
    monitors: false,
    cursorImage: false,
  };
  readonly windows = UNSUPPORTED_WINDOWS;
  private readonly worker: WorkerSupervisor;
  private readonly closeHooks = new CloseHooks();

  constructor(options: NutDesktopOptions) {
    this.worker = new WorkerSupervisor({ display: options.display, logger: options.logger });
  }

  screenSize() {
    return this.worker.call('screenSize');
  }

  async monitors(): Promise<Monitor[]> {
    const { width, height } = await this.screenSize();
    return [{ name: 'screen', x: 0, y: 0, width, height, primary: true }];
  }

  cursorPosition() {
    return this.worker.call('cursorPosition');
  }

  capture(region: Region | undefined, options: EncodeOptions): Promise<EncodedImage> {
    return this.worker.call('capture', region, options);
  }

  async grab(region?: Region): Promise<GrabbedFrame> {
    const frame = await (region ? this.worker.call('grab', region) : this.worker.call('grab'));
    // The frame came over IPC as a copy of its own: nothing to give back.
    return { ...frame, release: () => undefined };
  }

  cursorImage(): Promise<CursorImage | undefined> {
    return Promise.resolve(undefined);
  }

  onDamage(_listener: (event: DamageEvent) => void): () => void {
    return () => undefined;
  }

  /** Clamped to the screen, as on every backend. */
  async move(x: number, y: number) {
    const { width, height } = await this.screenSize();
    const cx = Math.min(Math.max(Math.round(x), 0), width - 1);
    const cy = Math.min(Math.max(Math.round(y), 0), height - 1);
    await this.worker.call('move', cx, cy);
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

  async typeText(text: string) {
    await this.worker.call('typeText', text);
  }

  async keyDown(key: NormalizedKey) {
    await this.worker.call('keyDown', [nutKeyOf(key)]);
  }

  async keyUp(key: NormalizedKey) {
    await this.worker.call('keyUp', [nutKeyOf(key)]);
  }

  async pressKey(key: NormalizedKey) {
    const keys = [nutKeyOf(key)];
    await this.worker.call('keyDown', keys);
    await this.worker.call('keyUp', keys);
  }

  async hotkey(keys: NormalizedKey[]) {
    const names = keys.map(nutKeyOf);
    await this.worker.call('keyDown', names);
    await this.worker.call('keyUp', [...names].reverse());
  }

  readClipboard() {
    return this.worker.call('readClipboard');
  }

  async writeClipboard(text: string) {
    await this.worker.call('writeClipboard', text);
  }

  windowManagerName(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  setWallpaper(): Promise<void> {
    return Promise.reject(notOnThisBackend('set_wallpaper'));
  }

  beforeClose(hook: () => Promise<void>): void {
    this.closeHooks.add(hook);
  }

  async close() {
    await this.closeHooks.run();
    await this.worker.close();
  }
}
