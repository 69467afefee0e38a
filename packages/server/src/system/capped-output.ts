/** Bytes left for output in a reply; one per stream, and one shared by both streams. */
export class WireBudget {
  constructor(public remaining: number) {}
}

/**
 * Collects a stream's output as text up to a cap on what it costs *on the wire*, and drops the
 * rest, so a chatty command cannot grow the server's memory or produce a reply larger than
 * clients accept. Counting encoded bytes matters: JSON writes a NUL as six bytes (`\u0000`),
 * and a byte that is not UTF-8 becomes U+FFFD (three), so raw bytes say little about the reply.
 */
export class CappedOutput {
  // ignoreBOM keeps a leading BOM; invalid bytes become U+FFFD, so one bad byte costs nothing else.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly pieces: string[] = [];
  private dropped = false;

  constructor(private readonly budgets: readonly WireBudget[]) {}

  get truncated(): boolean {
    return this.dropped;
  }

  /**
   * Returns the text of `chunk` that was kept (empty once the cap is reached). The decoder
   * carries a character split across chunks over to the next one, so it arrives whole.
   */
  push(chunk: Uint8Array): string {
    if (this.dropped || chunk.length === 0) return '';
    return this.keep(this.decoder.decode(chunk, { stream: true }));
  }

  /** At EOF: bytes held back are a broken character (U+FFFD), or dropped at a cap's cut. */
  end(): string {
    if (this.dropped) return '';
    return this.keep(this.decoder.decode());
  }

  text(): string {
    return this.pieces.join('');
  }

  private keep(text: string): string {
    if (text === '') return '';
    const room = Math.min(...this.budgets.map((b) => b.remaining));
    const { length, bytes } = prefixWithin(text, room);
    if (length < text.length) this.dropped = true;
    for (const budget of this.budgets) budget.remaining -= bytes;
    const kept = length === text.length ? text : text.slice(0, length);
    if (kept !== '') this.pieces.push(kept);
    return kept;
  }
}

/** UTF-8 bytes of one UTF-16 code unit (or a surrogate pair) inside a JSON string. */
function unitCost(code: number, next: number): { units: number; bytes: number } {
  if (code < 0x20) {
    // \b \t \n \f \r have two-character escapes; the other controls are \u00XX.
    const short = code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
    return { units: 1, bytes: short ? 2 : 6 };
  }
  if (code === 0x22 || code === 0x5c) return { units: 1, bytes: 2 };
  if (code < 0x80) return { units: 1, bytes: 1 };
  if (code < 0x800) return { units: 1, bytes: 2 };
  if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
    return { units: 2, bytes: 4 };
  }
  // A lone surrogate is written as a \uXXXX escape.
  if (code >= 0xd800 && code <= 0xdfff) return { units: 1, bytes: 6 };
  return { units: 1, bytes: 3 };
}

/** The longest prefix of `text` (whole characters) whose JSON encoding fits in `room` bytes. */
export function prefixWithin(text: string, room: number): { length: number; bytes: number } {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cost = unitCost(text.charCodeAt(i), text.charCodeAt(i + 1));
    if (bytes + cost.bytes > room) break;
    bytes += cost.bytes;
    i += cost.units;
  }
  return { length: i, bytes };
}
