import { describe, expect, it } from 'vitest';
import { bgrxToRgb } from './encode-image.js';

function reference(data: Uint8Array, pixels: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < pixels; i++) out.push(data[i * 4 + 2]!, data[i * 4 + 1]!, data[i * 4]!);
  return out;
}

describe('bgrxToRgb', () => {
  it.each([
    [1, 1],
    [3, 1],
    [4, 1],
    [5, 3],
    [7, 7],
    [64, 16],
  ])('%ix%i matches the byte-by-byte conversion', (width, height) => {
    const data = new Uint8Array(width * height * 4).map((_, i) => (i * 37 + 11) & 0xff);
    expect([...bgrxToRgb({ width, height, data })]).toEqual(reference(data, width * height));
  });

  it('handles a frame whose bytes start at an unaligned offset', () => {
    const backing = new Uint8Array(4 * 4 * 3 + 1).map((_, i) => (i * 13) & 0xff);
    const data = backing.subarray(1);
    expect([...bgrxToRgb({ width: 4, height: 3, data })]).toEqual(reference(data, 12));
  });
});
