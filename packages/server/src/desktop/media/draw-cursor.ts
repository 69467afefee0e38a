import type { CursorImage, Frame } from '../desktop.js';

/**
 * Draws the pointer into a B G R X frame whose top-left corner is at (originX, originY) on the
 * screen, blending its premultiplied ARGB pixels. A cursor is a few hundred pixels (24x24 to
 * 64x64), so this loop is the one place JavaScript touches pixels, and only for recordings.
 */
export function drawCursor(frame: Frame, cursor: CursorImage, originX = 0, originY = 0): void {
  const left = cursor.x - cursor.xhot - originX;
  const top = cursor.y - cursor.yhot - originY;
  const { data, width, height } = frame;
  const src = cursor.argb;
  for (let cy = 0; cy < cursor.height; cy++) {
    const y = top + cy;
    if (y < 0 || y >= height) continue;
    for (let cx = 0; cx < cursor.width; cx++) {
      const x = left + cx;
      if (x < 0 || x >= width) continue;
      const s = (cy * cursor.width + cx) * 4;
      // Little-endian ARGB words: bytes B G R A, premultiplied.
      const alpha = src[s + 3]!;
      if (alpha === 0) continue;
      const d = (y * width + x) * 4;
      const keep = 255 - alpha;
      data[d] = src[s]! + Math.round((data[d]! * keep) / 255);
      data[d + 1] = src[s + 1]! + Math.round((data[d + 1]! * keep) / 255);
      data[d + 2] = src[s + 2]! + Math.round((data[d + 2]! * keep) / 255);
    }
  }
}
