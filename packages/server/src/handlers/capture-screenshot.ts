import type { ResolvedParams } from '@cua/computer-protocol';
import { CommandError } from '../core/command-error.js';
import type { Desktop, EncodedImage, ImageFormat, Region } from '../desktop/desktop.js';
import type { SessionState } from './types.js';

/** `screenshot`'s options, which `observe` shares. */
export type ScreenshotOptions = ResolvedParams<'screenshot'>;

export interface CapturedScreenshot {
  image: EncodedImage;
  format: ImageFormat;
  /** Image pixels per screen pixel. */
  scale: number;
}

/** The image size after `scale` and `max_width`/`max_height`: never larger than the capture. */
function outputSize(
  region: Region,
  params: ScreenshotOptions,
): { width: number; height: number; scale: number } {
  let scale = params.scale ?? 1;
  if (params.max_width !== undefined) scale = Math.min(scale, params.max_width / region.width);
  if (params.max_height !== undefined) scale = Math.min(scale, params.max_height / region.height);
  scale = Math.min(scale, 1);
  const width = Math.max(1, Math.round(region.width * scale));
  const height = Math.max(1, Math.round(region.height * scale));
  return { width, height, scale: width / region.width };
}

/**
 * Grabs and encodes the screen (or a region) as `screenshot` does, and records how the image
 * maps to the screen, so the coordinate helpers apply to this image like to any other.
 */
export async function captureScreenshot(
  desktop: Desktop,
  params: ScreenshotOptions,
  session: SessionState,
): Promise<CapturedScreenshot> {
  const screen = await desktop.screenSize();
  const full = { x: 0, y: 0, width: screen.width, height: screen.height };
  const region = params.region ?? full;
  if (region.x + region.width > screen.width || region.y + region.height > screen.height) {
    throw new CommandError(
      'invalid_params',
      `region ${region.width}x${region.height}+${region.x}+${region.y} is outside the ${screen.width}x${screen.height} screen`,
    );
  }
  const size = outputSize(region, params);
  const format: ImageFormat = params.format === 'jpg' ? 'jpeg' : params.format;
  const image = await desktop.capture(params.region ? region : undefined, {
    format,
    quality: params.quality,
    width: size.width,
    height: size.height,
  });
  session.lastScreenshot = { scale: size.scale, offsetX: region.x, offsetY: region.y };
  return { image, format, scale: size.scale };
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
