import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImageFormat } from '@cua/computer-protocol';
import { encodeFrame, type Frame } from './encode-image.js';

/** Left half pure red, right half pure blue, in the X server's B G R X byte order. */
function redBlueFrame(width: number, height: number): Frame {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const red = x < width / 2;
      data[i] = red ? 0 : 255; // B
      data[i + 1] = 0; // G
      data[i + 2] = red ? 255 : 0; // R
      data[i + 3] = 0; // X: padding, not alpha
    }
  }
  return { width, height, data };
}

async function pixelAt(image: Uint8Array, x: number, y: number) {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return { r: data[i]!, g: data[i + 1]!, b: data[i + 2]!, width: info.width, height: info.height };
}

describe('encodeFrame', () => {
  it.each<ImageFormat>(['png', 'jpeg', 'webp'])(
    '%s keeps the colours of a B G R X frame (red stays red, blue stays blue)',
    async (format) => {
      const frame = redBlueFrame(64, 32);
      const image = await encodeFrame(frame, { format, quality: 90, width: 64, height: 32 });
      expect(image).toMatchObject({ format, width: 64, height: 32 });
      const left = await pixelAt(image.data, 8, 16);
      const right = await pixelAt(image.data, 56, 16);
      expect(left.width).toBe(64);
      expect(left.r).toBeGreaterThan(200);
      expect(left.b).toBeLessThan(40);
      expect(right.b).toBeGreaterThan(200);
      expect(right.r).toBeLessThan(40);
    },
  );

  it.each<ImageFormat>(['png', 'jpeg', 'webp'])(
    '%s resizes to the size asked for',
    async (format) => {
      const image = await encodeFrame(redBlueFrame(200, 100), {
        format,
        quality: 80,
        width: 50,
        height: 25,
      });
      const left = await pixelAt(image.data, 5, 12);
      expect([left.width, left.height]).toEqual([50, 25]);
      expect(left.r).toBeGreaterThan(200);
    },
  );

  it('PNG is lossless: every pixel decodes to the frame exactly', async () => {
    const frame = redBlueFrame(16, 4);
    frame.data[4 * 5 + 1] = 123; // one green value, somewhere in the red half
    const image = await encodeFrame(frame, { format: 'png', quality: 80, width: 16, height: 4 });
    const { data } = await sharp(image.data).raw().toBuffer({ resolveWithObject: true });
    for (let p = 0; p < 16 * 4; p++) {
      expect([data[p * 3], data[p * 3 + 1], data[p * 3 + 2]]).toEqual([
        frame.data[p * 4 + 2],
        frame.data[p * 4 + 1],
        frame.data[p * 4],
      ]);
    }
  });

  it('PNG of a frame with headroom writes its header there and nowhere else', async () => {
    const frame = redBlueFrame(8, 2);
    const backing = Buffer.alloc(100 + frame.data.length, 0xee);
    backing.set(frame.data, 100);
    const data = backing.subarray(100);
    const image = await encodeFrame(
      { width: 8, height: 2, data, headroom: 100 },
      { format: 'png', quality: 80, width: 8, height: 2 },
    );
    expect((await pixelAt(image.data, 0, 0)).r).toBe(255);
    // The 70-byte header went right in front of the pixels; the bytes before it are untouched.
    expect([...backing.subarray(0, 30)].every((byte) => byte === 0xee)).toBe(true);
    expect(backing.subarray(30, 32).toString('latin1')).toBe('BM');
    expect(data.equals(Buffer.from(frame.data))).toBe(true);
  });
});
