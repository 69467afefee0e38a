import type { MouseButtonName } from '../desktop.js';
import type { X11Connection } from './x11-connection.js';
import type { X11XTestPointer } from './x11-extension-types.js';

const BUTTON: Record<MouseButtonName, number> = { left: 1, middle: 2, right: 3 };
// X11 wheel buttons: 4 up, 5 down, 6 left, 7 right.
const WHEEL_UP = 4;
const WHEEL_DOWN = 5;
const WHEEL_LEFT = 6;
const WHEEL_RIGHT = 7;
/** Wheel notches sent between two round trips, so a long scroll cannot flood the socket. */
const WHEEL_BATCH = 64;

/** Screen bounds for clamping; read at each move, so a RandR resize counts at once. */
export type ScreenBounds = () => { width: number; height: number };

/**
 * Pointer input through XTEST on the backend's connection: a motion, a button or a wheel notch is
 * one 36-byte request, and each action ends with one round trip, so it has reached the server
 * (and the focused application's queue) when the promise resolves.
 */
export class X11Pointer {
  constructor(
    private readonly connection: X11Connection,
    private readonly xtest: X11XTestPointer,
    private readonly bounds: ScreenBounds,
  ) {}

  /**
   * Coordinates are clamped to the screen: XTEST takes 16-bit values, and a far-off one would
   * wrap around to the other side of the screen instead of stopping at its edge.
   */
  async move(x: number, y: number): Promise<void> {
    const { width, height } = this.bounds();
    const cx = clamp(Math.round(x), 0, width - 1);
    const cy = clamp(Math.round(y), 0, height - 1);
    this.fake(this.xtest.MotionNotify, 0, cx, cy);
    await this.connection.sync();
  }

  async buttonDown(button: MouseButtonName): Promise<void> {
    this.fake(this.xtest.ButtonPress, BUTTON[button]);
    await this.connection.sync();
  }

  async buttonUp(button: MouseButtonName): Promise<void> {
    this.fake(this.xtest.ButtonRelease, BUTTON[button]);
    await this.connection.sync();
  }

  async click(button: MouseButtonName, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.fake(this.xtest.ButtonPress, BUTTON[button]);
      this.fake(this.xtest.ButtonRelease, BUTTON[button]);
    }
    await this.connection.sync();
  }

  /** Wheel notches: dy > 0 up, dy < 0 down, dx > 0 right, dx < 0 left. */
  async scroll(dx: number, dy: number, signal?: AbortSignal): Promise<void> {
    await this.notches(dy > 0 ? WHEEL_UP : WHEEL_DOWN, Math.abs(dy), signal);
    await this.notches(dx > 0 ? WHEEL_RIGHT : WHEEL_LEFT, Math.abs(dx), signal);
  }

  private async notches(button: number, count: number, signal?: AbortSignal): Promise<void> {
    for (let sent = 0; sent < count;) {
      signal?.throwIfAborted();
      const batch = Math.min(WHEEL_BATCH, count - sent);
      for (let i = 0; i < batch; i++) {
        this.fake(this.xtest.ButtonPress, button);
        this.fake(this.xtest.ButtonRelease, button);
      }
      sent += batch;
      await this.connection.sync();
    }
  }

  private fake(type: number, detail: number, x = 0, y = 0): void {
    this.connection.assertOpen();
    // Window 0 (None): motion is relative to the root of the current screen.
    this.xtest.FakeInput(type, detail, 0, 0, x, y);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
