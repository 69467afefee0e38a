import type { NormalizedKey } from '@cua/computer-protocol';
import type { EncodedImage, EncodeOptions } from './encode-image.js';
import type { Frame, MouseButtonName, Region } from './worker-protocol.js';

export type { EncodedImage, EncodeOptions, Frame, MouseButtonName, Region };

/** What the handlers need from a desktop; one implementation per platform. */
export interface Desktop {
  screenSize(): Promise<{ width: number; height: number }>;
  cursorPosition(): Promise<{ x: number; y: number }>;
  /** The raw frame (B G R X). */
  grab(region?: Region): Promise<Frame>;
  /** Grab and encode in one step. */
  capture(region: Region | undefined, options: EncodeOptions): Promise<EncodedImage>;

  move(x: number, y: number): Promise<void>;
  buttonDown(button: MouseButtonName): Promise<void>;
  buttonUp(button: MouseButtonName): Promise<void>;
  click(button: MouseButtonName, count: number): Promise<void>;
  /** Wheel notches: dy > 0 up, dy < 0 down, dx > 0 right, dx < 0 left. */
  scroll(dx: number, dy: number): Promise<void>;

  typeText(text: string, signal?: AbortSignal): Promise<void>;
  keyDown(key: NormalizedKey): Promise<void>;
  keyUp(key: NormalizedKey): Promise<void>;
  pressKey(key: NormalizedKey): Promise<void>;
  hotkey(keys: NormalizedKey[]): Promise<void>;

  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;

  close(): Promise<void>;
}
