import type jpegTurboModule from '@julusian/jpeg-turbo';
import type { Transformer as TransformerClass } from '@napi-rs/image';
import type { ImageFormat } from '@cua/computer-protocol';
import type sharpModule from 'sharp';
import { BMP_HEADER_BYTES, writeBmpHeader } from './bmp-header.js';

// Each encoder's native library is loaded on its first use: a server that never sends a WebP
// or a scaled screenshot never maps libvips (about 20 MB of RSS).
let sharpLoad: Promise<typeof sharpModule> | undefined;
let jpegLoad: Promise<typeof jpegTurboModule> | undefined;
let pngLoad: Promise<typeof TransformerClass> | undefined;

function loadSharp(): Promise<typeof sharpModule> {
  sharpLoad ??= import('sharp').then(({ default: sharp }) => {
    // libvips caches operations (50 MB by default) to speed up repeated pipelines on the same
    // input; every screenshot is a new input, so the cache would only hold memory.
    sharp.cache(false);
    return sharp;
  });
  return sharpLoad;
}

function loadJpegTurbo(): Promise<typeof jpegTurboModule> {
  jpegLoad ??= import('@julusian/jpeg-turbo').then((module) => module.default);
  return jpegLoad;
}

function loadPngEncoder(): Promise<typeof TransformerClass> {
  pngLoad ??= import('@napi-rs/image').then((module) => module.Transformer);
  return pngLoad;
}

export interface Frame {
  width: number;
  height: number;
  /** 4 bytes per pixel, B G R X, rows packed. */
  data: Uint8Array;
  /**
   * Bytes in front of `data`, in the same buffer, that encoders may overwrite (a header goes
   * there instead of copying the frame). Only the owner of the buffer may say so.
   */
  headroom?: number;
}

export interface EncodeOptions {
  format: ImageFormat;
  /** 1..95, for JPEG and WebP. */
  quality: number;
  /** Output size; the frame is resized when it differs. */
  width: number;
  height: number;
}

export interface EncodedImage {
  data: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
}

// X frames are B G R X; libvips reads 4 bands as R G B A. Swapping bands 0 and 2 inside the
// libvips pipeline keeps every pixel operation native and on the thread pool.
const SWAP_RED_BLUE: sharpModule.Matrix3x3 = [
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
];

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

// @napi-rs/image's enums are `const enum`s: their values, as its index.d.ts gives them.
const PNG_COMPRESSION_FAST = 1;
const PNG_FILTER_ADAPTIVE = 5;

/** The frame as a BMP file: in place when it has the headroom, else one copy. */
function asBmp(frame: Frame): Buffer {
  const data = asBuffer(frame.data);
  let file: Buffer;
  if ((frame.headroom ?? 0) >= BMP_HEADER_BYTES) {
    file = Buffer.from(
      data.buffer,
      data.byteOffset - BMP_HEADER_BYTES,
      data.length + BMP_HEADER_BYTES,
    );
  } else {
    file = Buffer.allocUnsafe(BMP_HEADER_BYTES + data.length);
    data.copy(file, BMP_HEADER_BYTES);
  }
  writeBmpHeader(file, frame.width, frame.height);
  return file;
}

/** A libvips image of the frame: 4 bands (B G R X), or 3 once `resizedBgr` made it B G R. */
async function vips(frame: Frame, channels: 3 | 4 = 4) {
  const sharp = await loadSharp();
  return sharp(asBuffer(frame.data), {
    raw: { width: frame.width, height: frame.height, channels },
  });
}

/**
 * The frame as B G R, 3 bytes per pixel. Only for resizing: libvips takes a fourth band for
 * alpha and premultiplies by it, and the X server's padding byte is 0, so resizing 4 bands would
 * give a black image.
 */
async function resizedBgr(frame: Frame, width: number, height: number): Promise<Frame> {
  const bgr = await (await vips(frame)).removeAlpha().raw().toBuffer();
  const data = await (
    await vips({ ...frame, data: bgr }, 3)
  )
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { width, height, data };
}

/**
 * Encoders, chosen by measurement on a 1280x800 busy, photo-like desktop (see `pnpm bench`):
 * - JPEG: libjpeg-turbo reading B G R X directly (`@julusian/jpeg-turbo`, a prebuilt binding of
 *   the library); about twice as fast as sharp, which would need the bands reordered first.
 *   4:2:0, without Huffman optimisation: the speed/size point agents need.
 * - PNG at full size: the Rust `png` crate through `@napi-rs/image`, reading the frame as a BMP
 *   whose masks give the X byte order, with its fast deflate and adaptive row filters: 17 ms and
 *   1.97 MB where libpng (sharp) takes 90 ms for 1.56 MB at any zlib level with adaptive
 *   filtering, and 37 ms for 3 MB without it. Scaled PNGs, smaller, stay with libvips.
 * - WebP: libvips at effort 0.
 * None touches a pixel in JavaScript, and all run on libuv's thread pool, off the event loop.
 */
export async function encodeFrame(frame: Frame, options: EncodeOptions): Promise<EncodedImage> {
  const sameSize = options.width === frame.width && options.height === frame.height;
  const { format } = options;
  const source = sameSize ? frame : await resizedBgr(frame, options.width, options.height);
  const channels = sameSize ? 4 : 3;
  let data: Uint8Array;
  if (format === 'jpeg') {
    const jpegTurbo = await loadJpegTurbo();
    data = await jpegTurbo.compress(asBuffer(source.data), {
      format: channels === 4 ? jpegTurbo.FORMAT_BGRX : jpegTurbo.FORMAT_BGR,
      width: source.width,
      height: source.height,
      quality: options.quality,
      subsampling: jpegTurbo.SAMP_420,
    });
  } else if (format === 'png' && sameSize) {
    const Transformer = await loadPngEncoder();
    data = await new Transformer(asBmp(frame)).png({
      compressionType: PNG_COMPRESSION_FAST,
      filterType: PNG_FILTER_ADAPTIVE,
    });
  } else {
    let image = await vips(source, channels);
    if (channels === 4) image = image.removeAlpha();
    image = image.recomb(SWAP_RED_BLUE);
    image =
      format === 'png'
        ? image.png({ compressionLevel: 3, adaptiveFiltering: true })
        : image.webp({ quality: options.quality, effort: 0 });
    data = await image.toBuffer();
  }
  return { data, format, width: options.width, height: options.height };
}
