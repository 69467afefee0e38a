// What the example's decide() uses instead of a model, so the loop really runs: it looks at the
// screenshot and finds the biggest plain-coloured area that does not touch the edge of the
// screen (usually the empty inside of a window; the desktop background touches the edges).
// A real agent does not need any of this: the model looks at the image itself.
import { inflateSync } from 'node:zlib';

/** Decodes an 8-bit, non-interlaced PNG (what the server sends) into RGB pixels. */
export function decodePng(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  for (let pos = 8; pos + 8 <= buf.length;) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [bitDepth, colorType, , , interlace] = body.subarray(8, 13);
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType] ?? 0;
      if (bitDepth !== 8 || !channels || interlace) {
        throw new Error('this small decoder reads 8-bit, non-interlaced, non-palette PNGs only');
      }
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rgb = new Uint8Array(width * height * 3);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, c);
      cur[i] = (line[i] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const from = x * channels;
      const to = (y * width + x) * 3;
      const grey = channels < 3;
      rgb[to] = cur[from];
      rgb[to + 1] = cur[grey ? from : from + 1];
      rgb[to + 2] = cur[grey ? from : from + 2];
    }
    prev = cur;
  }
  return { width, height, rgb };
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The largest connected area of one colour (within `tolerance` per channel) that does not touch
 * the image border, as { x, y, width, height, pixels, color } in image pixels; undefined if none.
 */
export function largestPlainArea({ width, height, rgb }, tolerance = 8) {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  let best;
  for (let start = 0; start < width * height; start++) {
    if (seen[start]) continue;
    const r = rgb[start * 3];
    const g = rgb[start * 3 + 1];
    const b = rgb[start * 3 + 2];
    const same = (i) =>
      Math.abs(rgb[i * 3] - r) <= tolerance &&
      Math.abs(rgb[i * 3 + 1] - g) <= tolerance &&
      Math.abs(rgb[i * 3 + 2] - b) <= tolerance;
    // Flood fill from this pixel, comparing with its colour (not the neighbour's) so that a
    // gradient does not count as one area.
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let pixels = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (top > 0) {
      const i = stack[--top];
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (const n of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
        if (n >= 0 && n < width * height && !seen[n] && same(n)) {
          seen[n] = 1;
          stack[top++] = n;
        }
      }
    }
    const touchesEdge = minX === 0 || minY === 0 || maxX === width - 1 || maxY === height - 1;
    if (!touchesEdge && pixels > (best?.pixels ?? 0)) {
      const color = `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      best = { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1, pixels, color };
    }
  }
  return best;
}
