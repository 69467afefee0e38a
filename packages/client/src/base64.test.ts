import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';

const reference = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('base64', () => {
  it('round-trips every byte value, at every offset within a 3-byte group', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let shift = 0; shift < 3; shift++) {
      const bytes = all.subarray(shift);
      const text = encodeBase64(bytes);
      expect(text).toBe(reference(bytes));
      expect(decodeBase64(text)).toEqual(new Uint8Array(bytes));
    }
  });

  it.each([0, 1, 2, 3, 4, 5])('round-trips length %i, padded as standard base64', (length) => {
    for (const fill of [0, 0xff, 0x5a]) {
      const bytes = new Uint8Array(length).fill(fill);
      const text = encodeBase64(bytes);
      expect(text).toBe(reference(bytes));
      expect(text.length % 4).toBe(0);
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it('accepts input without padding', () => {
    expect(decodeBase64('QQ')).toEqual(new Uint8Array([65]));
    expect(decodeBase64('QUI')).toEqual(new Uint8Array([65, 66]));
  });

  it.each([
    ['a character outside the alphabet', 'QU*D'],
    ['whitespace', 'QUJD\nRA=='],
    ['a URL-safe character', 'QU-D'],
    ['non-ASCII text', 'QUJé'],
    ['padding in the middle', 'QQ==QQ=='],
    ['an impossible length', 'QUJDR'],
    ['too much padding', 'QQ==='],
    ['padding that does not complete a group', 'QQ='],
  ])('rejects %s', (_, text) => {
    expect(() => decodeBase64(text)).toThrow(/Invalid base64/);
  });

  it('is fast on multi-megabyte payloads and agrees with the reference on random data', () => {
    const bytes = new Uint8Array(6 * 1024 * 1024 + 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const started = performance.now();
    const text = encodeBase64(bytes);
    const back = decodeBase64(text);
    const elapsedMs = performance.now() - started;
    expect(text).toBe(reference(bytes));
    expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).toBe(0);
    // Generous: a few tens of ms on a laptop; what matters is that it is not quadratic.
    expect(elapsedMs).toBeLessThan(2000);
  });
});
