import type {
  Bounds,
  ImageFormat,
  Monitor,
  MouseButtonName,
  NormalizedKey,
  Region,
} from '@cua/computer-protocol';
import type { EncodedImage, EncodeOptions, Frame } from './media/encode-image.js';

export type { EncodedImage, EncodeOptions, Frame, ImageFormat, Monitor, MouseButtonName, Region };

/** The pointer's image and where it is drawn, in screen pixels. */
export interface CursorImage {
  /** Where the hot spot is. */
  x: number;
  y: number;
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  /** `width * height` pixels, 32-bit ARGB with premultiplied alpha, little-endian words. */
  argb: Uint8Array;
}

/** A grabbed frame; its buffer may be reused once `release` was called. */
export interface GrabbedFrame extends Frame {
  release(): void;
}

/** A window's client area, in screen pixels. */
export type WindowGeometry = Bounds;

/** A window id as it comes off the wire: a number, or a string in decimal or `0x` hex. */
export type WindowIdInput = string | number;

/** A rectangle of the screen that changed, with the time it was reported. */
export interface DamageEvent {
  area: Region;
  /** `performance.now()` when the server heard of it. */
  at: number;
}

/**
 * What a backend can and cannot do, so callers and tests rely on declarations, not on knowing
 * which backend runs.
 */
export interface DesktopCapabilities {
  /** The backend's name, for logs and `/status` only: nothing branches on it. */
  readonly name: string;
  /** Any Unicode text types exactly, Shift and non-ASCII included. */
  readonly exactTyping: boolean;
  /** Window commands work (an EWMH window manager is still needed at run time). */
  readonly windows: boolean;
  /** `onDamage` reports screen changes as they happen. */
  readonly damage: boolean;
  /** `monitors()` reports each monitor; otherwise one monitor, the whole screen. */
  readonly monitors: boolean;
  /** `cursorImage()` gives the pointer's image (screenshots never contain the pointer). */
  readonly cursorImage: boolean;
}

/** The window commands, on window ids from the wire. */
export interface DesktopWindows {
  /** The active window's id; `not_found` when no window is active. */
  activeWindow(signal?: AbortSignal): Promise<number>;
  /** Ids of the windows whose title, class or process name contains `app` (any case). */
  applicationWindows(app: string, signal?: AbortSignal): Promise<number[]>;
  name(id: WindowIdInput, signal?: AbortSignal): Promise<string>;
  /** The client area (without decorations) in screen coordinates. */
  geometry(id: WindowIdInput, signal?: AbortSignal): Promise<WindowGeometry>;
  setSize(id: WindowIdInput, width: number, height: number, signal?: AbortSignal): Promise<void>;
  /** Puts the client area's top-left corner at x, y. */
  setPosition(id: WindowIdInput, x: number, y: number, signal?: AbortSignal): Promise<void>;
  maximize(id: WindowIdInput, signal?: AbortSignal): Promise<void>;
  minimize(id: WindowIdInput, signal?: AbortSignal): Promise<void>;
  activate(id: WindowIdInput, signal?: AbortSignal): Promise<void>;
  /** Asks the window to close and waits for it to go away. */
  close(id: WindowIdInput, signal?: AbortSignal): Promise<void>;
  activeWindowBounds(signal?: AbortSignal): Promise<WindowGeometry>;
}

/** What the handlers need from a desktop; one implementation per backend. */
export interface Desktop {
  readonly capabilities: DesktopCapabilities;

  screenSize(): Promise<{ width: number; height: number }>;
  monitors(): Promise<Monitor[]>;
  cursorPosition(): Promise<{ x: number; y: number }>;
  /** Grab (the whole screen, or a region of it) and encode in one step. */
  capture(region: Region | undefined, options: EncodeOptions): Promise<EncodedImage>;
  /**
   * The raw pixels (B G R X), for consumers that feed frames on (recording, live view); call
   * `release` once done with them, so their buffer can be reused.
   */
  grab(region?: Region): Promise<GrabbedFrame>;
  /** The pointer's current image; undefined where the backend cannot tell (capabilities). */
  cursorImage(): Promise<CursorImage | undefined>;
  /**
   * Calls `listener` for every change to the screen until the returned function is called.
   * Backends without damage events (see capabilities) never call it.
   */
  onDamage(listener: (event: DamageEvent) => void): () => void;

  /** Coordinates are clamped to the screen. */
  move(x: number, y: number): Promise<void>;
  buttonDown(button: MouseButtonName): Promise<void>;
  buttonUp(button: MouseButtonName): Promise<void>;
  click(button: MouseButtonName, count: number): Promise<void>;
  /** Wheel notches: dy > 0 up, dy < 0 down, dx > 0 right, dx < 0 left. */
  scroll(dx: number, dy: number, signal?: AbortSignal): Promise<void>;

  typeText(text: string, signal?: AbortSignal): Promise<void>;
  keyDown(key: NormalizedKey): Promise<void>;
  keyUp(key: NormalizedKey): Promise<void>;
  pressKey(key: NormalizedKey): Promise<void>;
  hotkey(keys: NormalizedKey[]): Promise<void>;

  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;

  readonly windows: DesktopWindows;
  /** The window manager's own name (EWMH `_NET_SUPPORTING_WM_CHECK`), if one runs. */
  windowManagerName(signal?: AbortSignal): Promise<string | undefined>;
  /** Sets the root window's background to an image file. */
  setWallpaper(path: string, signal?: AbortSignal): Promise<void>;

  /** Runs `hook` (and waits for it) when the desktop closes, before it lets go of the display. */
  beforeClose(hook: () => Promise<void>): void;
  close(): Promise<void>;
}
