import { BMP_HEADER_BYTES } from './bmp-header.js';

/**
 * Frame buffers reused across grabs: a 1280x800 frame is 4 MB, and allocating one per screenshot
 * makes the heap grow in steps that are slow to return. A pool keeps a few of the largest size
 * asked for and drops the rest, so memory after a burst of screenshots goes back to about
 * `keep` frames. Each buffer has room for a BMP header in front of the pixels (see
 * encode-image.ts), so the PNG encoder needs no copy.
 */
export class FramePool {
  static readonly HEADROOM = BMP_HEADER_BYTES;
  private free: Buffer[] = [];

  constructor(private readonly keep = 2) {}

  /** `bytes` of pixels, with `HEADROOM` writable bytes before them in the same buffer. */
  take(bytes: number): Buffer {
    const needed = bytes + FramePool.HEADROOM;
    const index = this.free.findIndex((buffer) => buffer.length >= needed);
    // Unpooled allocations: a buffer of its own, that can be handed back whole.
    const whole = index >= 0 ? this.free.splice(index, 1)[0]! : Buffer.allocUnsafeSlow(needed);
    return whole.subarray(FramePool.HEADROOM, needed);
  }

  give(pixels: Buffer): void {
    if (this.free.length >= this.keep) return;
    this.free.push(Buffer.from(pixels.buffer, 0, pixels.buffer.byteLength));
  }

  /** Drops every pooled buffer (e.g. after the screen size changed). */
  clear(): void {
    this.free = [];
  }
}
