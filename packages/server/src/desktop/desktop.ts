import type { NormalizedKey } from '@cua/computer-protocol';
import type { Frame, MouseButtonName } from './worker-protocol.js';

export type { Frame, MouseButtonName };

/** What the handlers need from a desktop; one implementation per platform. */
export interface Desktop {
  screenSize(): Promise<{ width: number; height: number }>;
  cursorPosition(): Promise<{ x: number; y: number }>;
  grab(region?: { x: number; y: number; width: number; height: number }): Promise<Frame>;

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
