/**
 * COMPOUND_TEXT (X Consortium, "Compound Text Encoding"): ISO 2022 with GL starting as ASCII and
 * GR as the right half of ISO 8859-1, switched by escape sequences. This is what Xlib writes for
 * titles that are not Latin-1 (xterm's `-T 'tëst 世界'` becomes Latin-1 bytes, then
 * `ESC $ ( B` and JIS X 0208 in GL).
 *
 * Decoded: ASCII, JIS-Roman and JIS X 0201 Katakana; the ISO 8859 right halves (and TIS-620)
 * in GR; GB 2312, JIS X 0208, JIS X 0212 and KS C 5601 in GL or GR; UTF-8 segments (`ESC % G`
 * … `ESC % @`); and extended segments (`ESC % / n M L name STX bytes`) named utf-8, iso10646-1,
 * big5-0, gbk-0 or gb18030-0. Direction sequences (CSI … ]) are dropped, as are C0 controls
 * other than tab and newline, and all C1 controls.
 *
 * Not handled, each such character becoming U+FFFD: other registered sets (CNS 11643, ISO-IR
 * sets outside ISO 8859, …), private or unknown extended segments, and any charset whose decoder
 * this Node build lacks (a small-ICU build has only UTF-8, UTF-16 and Latin-1). JIS-Roman's yen
 * sign and overline are read as ASCII `\` and `~`.
 */

const ESC = 0x1b;
const CSI = 0x9b;
const STX = 0x02;
const REPLACEMENT = '\ufffd';

interface Charset {
  /** A WHATWG encoding label, decoding the bytes as `bytes` produces them. */
  encoding: string;
  /** Bytes per character. */
  width: 1 | 2;
  /** How a byte of this set is presented to the decoder. */
  bytes: 'ascii' | 'high';
  /** A byte put before each character (EUC-JP's JIS X 0212 prefix). */
  prefix?: number;
}

const ASCII: Charset = { encoding: 'latin1', width: 1, bytes: 'ascii' };
const LATIN1_RIGHT: Charset = { encoding: 'latin1', width: 1, bytes: 'high' };
const UNKNOWN_SINGLE: Charset = { encoding: '', width: 1, bytes: 'high' };
const UNKNOWN_DOUBLE: Charset = { encoding: '', width: 2, bytes: 'high' };

/** 94-character sets, by final byte (`ESC ( F` into GL, `ESC ) F` into GR). */
const SETS_94: Record<string, Charset> = {
  B: ASCII,
  J: ASCII,
  I: { encoding: 'shift_jis', width: 1, bytes: 'high' },
};

/** 96-character sets, by final byte (`ESC - F`, GR only): ISO 8859 right halves. */
const SETS_96: Record<string, string> = {
  A: 'iso-8859-1',
  B: 'iso-8859-2',
  C: 'iso-8859-3',
  D: 'iso-8859-4',
  F: 'iso-8859-7',
  G: 'iso-8859-6',
  H: 'iso-8859-8',
  L: 'iso-8859-5',
  M: 'iso-8859-9',
  T: 'windows-874',
  V: 'iso-8859-10',
  Y: 'iso-8859-13',
  _: 'iso-8859-14',
  b: 'iso-8859-15',
  f: 'iso-8859-16',
};

/** 94x94-character sets, by final byte (`ESC $ ( F` into GL, `ESC $ ) F` into GR), as EUC. */
const SETS_94_2: Record<string, Charset> = {
  A: { encoding: 'gbk', width: 2, bytes: 'high' },
  B: { encoding: 'euc-jp', width: 2, bytes: 'high' },
  C: { encoding: 'euc-kr', width: 2, bytes: 'high' },
  D: { encoding: 'euc-jp', width: 2, bytes: 'high', prefix: 0x8f },
};

/** Extended segments, by their lowercased encoding name. */
const EXTENDED: Record<string, string> = {
  'utf-8': 'utf-8',
  'iso10646-1': 'utf-16be',
  'big5-0': 'big5',
  'gbk-0': 'gbk',
  'gb18030-0': 'gb18030',
};

const decoders = new Map<string, TextDecoder | undefined>();

function decoder(encoding: string): TextDecoder | undefined {
  if (!decoders.has(encoding)) {
    let value: TextDecoder | undefined;
    try {
      value = new TextDecoder(encoding);
    } catch {
      value = undefined;
    }
    decoders.set(encoding, value);
  }
  return decoders.get(encoding);
}

function decodeWith(encoding: string, bytes: Uint8Array, characters: number): string {
  if (bytes.length === 0) return '';
  const found = encoding === '' ? undefined : decoder(encoding);
  return found === undefined ? REPLACEMENT.repeat(characters) : found.decode(bytes);
}

/** Consecutive characters of one charset, decoded together. */
class Run {
  private bytes: number[] = [];
  private characters = 0;
  private charset: Charset | undefined;

  constructor(private readonly out: string[]) {}

  push(charset: Charset, character: readonly number[]): void {
    if (charset !== this.charset) this.flush();
    this.charset = charset;
    if (charset.prefix !== undefined) this.bytes.push(charset.prefix);
    for (const byte of character)
      this.bytes.push(charset.bytes === 'ascii' ? byte & 0x7f : byte | 0x80);
    this.characters += 1;
  }

  text(text: string): void {
    this.flush();
    this.out.push(text);
  }

  flush(): void {
    if (this.charset !== undefined) {
      this.out.push(
        decodeWith(this.charset.encoding, Uint8Array.from(this.bytes), this.characters),
      );
    }
    this.bytes = [];
    this.characters = 0;
    this.charset = undefined;
  }
}

/** Decodes COMPOUND_TEXT bytes (one string: split a text list on NUL first). */
export function decodeCompoundText(bytes: Uint8Array): string {
  const out: string[] = [];
  const run = new Run(out);
  let gl: Charset = ASCII;
  let gr: Charset = LATIN1_RIGHT;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    if (byte === ESC) {
      const end = escapeEnd(bytes, i);
      if (end === undefined) break; // truncated: nothing decodable follows
      const intermediates = String.fromCharCode(...bytes.subarray(i + 1, end));
      const final = String.fromCharCode(bytes[end]!);
      i = end + 1;
      if (intermediates === '%' && final === 'G') {
        i = utf8Segment(bytes, i, run);
      } else if (intermediates === '%/' && final >= '0' && final <= '4') {
        i = extendedSegment(bytes, i, run);
      } else if (intermediates === '(') {
        gl = SETS_94[final] ?? UNKNOWN_SINGLE;
      } else if (intermediates === ')') {
        gr = SETS_94[final] ?? UNKNOWN_SINGLE;
      } else if (intermediates === '-') {
        const encoding = SETS_96[final];
        gr = encoding === undefined ? UNKNOWN_SINGLE : { encoding, width: 1, bytes: 'high' };
      } else if (intermediates === '$(') {
        gl = SETS_94_2[final] ?? UNKNOWN_DOUBLE;
      } else if (intermediates === '$)') {
        gr = SETS_94_2[final] ?? UNKNOWN_DOUBLE;
      }
      // Anything else (e.g. a version or revision sequence) changes nothing we decode.
      continue;
    }
    if (byte === CSI) {
      i = controlSequenceEnd(bytes, i + 1);
      continue;
    }
    if (byte === 0x09 || byte === 0x0a) {
      run.text(String.fromCharCode(byte));
      i += 1;
      continue;
    }
    if (byte < 0x20 || byte === 0x7f || (byte >= 0x80 && byte < 0xa0)) {
      i += 1;
      continue;
    }
    // In a 94-character set, 0x20 is always a space.
    if (byte === 0x20) {
      run.text(' ');
      i += 1;
      continue;
    }
    const charset = byte < 0x80 ? gl : gr;
    if (charset.width === 2) {
      const second = bytes[i + 1];
      const sameHalf = second !== undefined && second >= 0x21 && (second & 0x80) === (byte & 0x80);
      if (!sameHalf) {
        run.text(REPLACEMENT);
        i += 1;
        continue;
      }
      run.push(charset, [byte, second]);
      i += 2;
    } else {
      run.push(charset, [byte]);
      i += 1;
    }
  }
  run.flush();
  return out.join('');
}

/** The index of an escape sequence's final byte: ESC, intermediates 0x20–0x2F, final. */
function escapeEnd(bytes: Uint8Array, start: number): number | undefined {
  let i = start + 1;
  while (i < bytes.length && bytes[i]! >= 0x20 && bytes[i]! <= 0x2f) i += 1;
  return i < bytes.length ? i : undefined;
}

/** Past a control sequence: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final byte. */
function controlSequenceEnd(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length && bytes[i]! >= 0x20 && bytes[i]! <= 0x3f) i += 1;
  return Math.min(i + 1, bytes.length);
}

/** UTF-8 up to `ESC % @` (or the end); returns the index after it. */
function utf8Segment(bytes: Uint8Array, start: number, run: Run): number {
  let end = start;
  while (
    end < bytes.length &&
    !(bytes[end] === ESC && bytes[end + 1] === 0x25 && bytes[end + 2] === 0x40)
  ) {
    end += 1;
  }
  run.text(decodeWith('utf-8', bytes.subarray(start, end), 1));
  return Math.min(end + 3, bytes.length);
}

/** `M L name STX bytes`, M and L each 0x80 + 7 bits of the length of `name STX bytes`. */
function extendedSegment(bytes: Uint8Array, start: number, run: Run): number {
  const m = bytes[start];
  const l = bytes[start + 1];
  if (m === undefined || l === undefined) return bytes.length;
  const length = ((m & 0x7f) << 7) | (l & 0x7f);
  const body = bytes.subarray(start + 2, start + 2 + length);
  const stx = body.indexOf(STX);
  if (stx < 0) {
    run.text(REPLACEMENT);
  } else {
    const name = String.fromCharCode(...body.subarray(0, stx)).toLowerCase();
    const text = body.subarray(stx + 1);
    const encoding = EXTENDED[name];
    run.text(encoding === undefined ? REPLACEMENT : decodeWith(encoding, text, 1));
  }
  return start + 2 + length;
}
