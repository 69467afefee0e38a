/**
 * Frame buffers reused across grabs: a 1280x800 frame is 4 MB, and allocating one per screenshot
 * makes the heap grow in steps that are slow to return. A pool keeps a few of the largest size
 * asked for and drops the rest, so memory after a burst of screenshots goes back to about
 * `keep` frames.
 */
export class FramePool {
  private free: Buffer[] = [];

  constructor(private readonly keep = 2) {}

  take(bytes: number): Buffer {
    const index = this.free.findIndex((buffer) => buffer.length >= bytes);
    if (index >= 0) return this.free.splice(index, 1)[0]!.subarray(0, bytes);
    // Unpooled: a buffer of its own, aligned, that can be handed back whole.
    return Buffer.allocUnsafeSlow(bytes);
  }

  give(buffer: Buffer): void {
    const whole = Buffer.from(buffer.buffer, 0, buffer.buffer.byteLength);
    if (this.free.length < this.keep) this.free.push(whole);
  }

  /** Drops every pooled buffer (e.g. after the screen size changed). */
  clear(): void {
    this.free = [];
  }
}
