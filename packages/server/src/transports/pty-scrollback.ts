/**
 * The last `capacityBytes` of a terminal's output, so a subscriber that attaches late (or again)
 * sees what the screen recently showed. Oldest bytes go first; a chunk is cut, never refused.
 */
export class Scrollback {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(readonly capacityBytes: number) {}

  get sizeBytes(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (this.capacityBytes <= 0 || chunk.length === 0) return;
    const kept =
      chunk.length > this.capacityBytes ? chunk.subarray(chunk.length - this.capacityBytes) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    while (this.size > this.capacityBytes) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacityBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** Everything kept, as one buffer (a copy: later output does not change it). */
  contents(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
