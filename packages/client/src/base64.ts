// Standard base64 (RFC 4648 §4) for Uint8Array, with no dependency on any platform's byte type,
// so the same code runs in browsers, workers and Node. Table-driven: several times faster than
// going through atob/btoa and a binary string for the multi-megabyte payloads of file transfers.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='
const INVALID = 255;

const ENCODE = new Uint8Array(64);
const DECODE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < 64; i++) {
  const code = ALPHABET.charCodeAt(i);
  ENCODE[i] = code;
  DECODE[code] = i;
}

const ascii = new TextDecoder();
const bytesOf = new TextEncoder();

export function encodeBase64(bytes: Uint8Array): string {
  const length = bytes.length;
  const out = new Uint8Array(Math.ceil(length / 3) * 4);
  const whole = length - (length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  if (length - whole === 1) {
    const n = bytes[whole]! << 16;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (length - whole === 2) {
    const n = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/**
 * Decodes standard base64. Padding may be omitted; anything outside the alphabet (whitespace
 * included) is rejected rather than skipped, since a reply that carries it is not what the
 * protocol promises and silently dropping characters would corrupt the bytes.
 */
export function decodeBase64(text: string): Uint8Array {
  // Non-ASCII characters become multi-byte sequences here, which the table rejects.
  const codes = bytesOf.encode(text);
  let end = codes.length;
  if (end > 0 && codes[end - 1] === PAD) end--;
  if (end > 0 && codes[end - 1] === PAD) end--;
  if (end !== codes.length && codes.length % 4 !== 0) throw invalid('wrong padding');
  const tail = end % 4;
  if (tail === 1) throw invalid('impossible length');
  const out = new Uint8Array(((end - tail) / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  const whole = end - tail;
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const a = DECODE[codes[i]!]!;
    const b = DECODE[codes[i + 1]!]!;
    const c = DECODE[codes[i + 2]!]!;
    const d = DECODE[codes[i + 3]!]!;
    if ((a | b | c | d) === INVALID) throw invalidCharacter(text);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (tail > 0) {
    const a = DECODE[codes[whole]!]!;
    const b = DECODE[codes[whole + 1]!]!;
    const c = tail === 3 ? DECODE[codes[whole + 2]!]! : 0;
    if ((a | b | c) === INVALID) throw invalidCharacter(text);
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >>> 16;
    if (tail === 3) out[o++] = (n >>> 8) & 255;
  }
  return out;
}

function invalid(why: string): Error {
  return new Error(`Invalid base64: ${why}`);
}

function invalidCharacter(text: string): Error {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const padding = code === PAD && i >= text.length - 2;
    if ((code > 127 || DECODE[code] === INVALID) && !padding) {
      return invalid(`unexpected character at ${i}`);
    }
  }
  return invalid('unexpected character');
}
