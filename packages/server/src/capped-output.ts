/**
 * Collects a stream's bytes up to a cap and drops the rest, so a chatty command cannot grow the
 * server's memory or produce a reply larger than clients accept.
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = false;

  constructor(private readonly maxBytes: number) {}

  get truncated(): boolean {
    return this.dropped;
  }

  /** Returns the part of `chunk` that was kept (empty once the cap is reached). */
  push(chunk: Buffer): Buffer {
    const room = this.maxBytes - this.kept;
    if (chunk.length > room) this.dropped = true;
    if (room <= 0) return chunk.subarray(0, 0);
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
    return part;
  }

  /** UTF-8 with U+FFFD for invalid bytes: one bad byte must not cost the whole output. */
  text(): string {
    let bytes = Buffer.concat(this.chunks, this.kept);
    // A cut in the middle of a character would otherwise end in a spurious U+FFFD.
    if (this.dropped) bytes = bytes.subarray(0, completeUtf8Length(bytes));
    return bytes.toString('utf8');
  }
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence (if there is one). */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  // A sequence is at most 4 bytes long, so its lead byte is within the last 4.
  for (let i = end - 1; i >= 0 && i >= end - 4; i -= 1) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < needed ? i : end;
  }
  return end;
}
