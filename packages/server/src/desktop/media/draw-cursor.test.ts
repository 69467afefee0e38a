import { describe, expect, it } from 'vitest';
import { drawCursor } from './draw-cursor.js';

const frame = (width: number, height: number, bgr: [number, number, number]) => {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...bgr, 0], i * 4);
  return { width, height, data };
};

describe('drawCursor', () => {
  it('blends premultiplied ARGB at the hot spot, clipped to the frame', () => {
    const target = frame(4, 4, [100, 100, 100]);
    // 2x2 cursor: opaque red, half-transparent premultiplied green, transparent, opaque blue.
    const argb = new Uint8Array([0, 0, 255, 255, 0, 64, 0, 128, 0, 0, 0, 0, 255, 0, 0, 255]);
    drawCursor(target, { x: 3, y: 3, width: 2, height: 2, xhot: 0, yhot: 0, argb });
    const at = (x: number, y: number) => [
      ...target.data.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 3),
    ];
    expect(at(3, 3)).toEqual([0, 0, 255]); // opaque red replaces
    expect(at(2, 2)).toEqual([100, 100, 100]); // untouched
    drawCursor(target, { x: 1, y: 1, width: 2, height: 2, xhot: 1, yhot: 1, argb });
    expect(at(0, 0)).toEqual([0, 0, 255]);
    expect(at(1, 0)).toEqual([50, 114, 50]); // 64 + 100 * 127/255 ≈ 114; others 100 * 127/255
    expect(at(0, 1)).toEqual([100, 100, 100]); // transparent
    expect(at(1, 1)).toEqual([255, 0, 0]); // opaque blue
  });
});
